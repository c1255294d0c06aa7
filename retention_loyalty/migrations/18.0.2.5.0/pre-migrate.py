"""18.0.2.5.0: a follow-up keeps the facts of why it was held back, skipped or
stopped (a code, a day, a count), and says it in the reader's language. The
English sentences stored before are read back into facts; the day a reply or
an answer stopped a message was not stored apart, so those take the day the
follow-up was last written."""

# (code, pattern of the English sentence, day)
PATTERNS = [
    ("document_gone", "Its document no longer exists%", None),
    ("trigger_gone", "Its trigger no longer holds%", None),
    ("no_template", "The step has no % template%", None),
    ("no_email", "No e-mail address%", None),
    ("no_mobile", "No mobile number%", None),
    ("opted_out", "Opted out%", None),
    ("closed_day", "Held back: not a working day%", "date_deadline"),
    ("complaint_open", "Held back while the customer's complaint%", None),
    ("weekly_cap", "Held back: % messages this week%", "date_deadline"),
    ("reply", "Stopped: the customer replied%", "write_date::date"),
    ("feedback", "Stopped: the customer gave feedback%", "write_date::date"),
    ("complaint", "Stopped: the customer complained%", "write_date::date"),
    ("meeting", "Stopped: a meeting is booked%", "write_date::date"),
    ("activity", "Stopped: %", "write_date::date"),
]


def migrate(cr, version):
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'retention_followup' AND column_name = 'reason'"""
    )
    if not cr.fetchone():
        return
    cr.execute(
        """ALTER TABLE retention_followup
             ADD COLUMN IF NOT EXISTS reason_code varchar,
             ADD COLUMN IF NOT EXISTS reason_date date,
             ADD COLUMN IF NOT EXISTS reason_count integer"""
    )
    for code, pattern, day in PATTERNS:
        # The patterns are constants of this file, not user input.
        cr.execute(
            f"""UPDATE retention_followup
                   SET reason_code = %s, reason_date = {day or "NULL"}
                 WHERE reason_code IS NULL AND reason LIKE %s""",
            (code, pattern),
        )
    cr.execute(
        """UPDATE retention_followup
              SET reason_count = substring(reason from 'Held back: ([0-9]+) messages')::int
            WHERE reason_code = 'weekly_cap'"""
    )
    cr.execute("ALTER TABLE retention_followup DROP COLUMN reason")
