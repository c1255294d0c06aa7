"""The referral page's limits and "first referrer wins", held under
concurrent requests. Checking then inserting is a race: fifteen posts at once
all count zero before any inserts. So each submission first touches a row per
key it depends on (its visitor's address, and the friend's e-mail in the
company) in a small gate table: a second transaction touching the same row
after the first committed cannot serialize, and Odoo redoes its request, which
then counts the first one. Requests of different keys never wait."""

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .retention_identity import email_key

GATE_TABLE = "retention_referral_gate"


class TooManyReferrals(UserError):
    """The visitor's address sent the hourly number of referrals already."""


class RetentionReferral(models.Model):
    _inherit = "retention.referral"

    def init(self):
        result = super().init()
        # A lock table, not a model: nobody reads it (the uninstall drops it).
        self.env.cr.execute(
            SQL(
                "CREATE TABLE IF NOT EXISTS %s"
                " (key varchar PRIMARY KEY, touched timestamp NOT NULL)",
                SQL.identifier(GATE_TABLE),
            )
        )
        return result

    @api.model
    def _gate(self, keys):
        """Touch the gate rows of `keys`, in one order (no deadlock)."""
        for key in sorted(set(keys)):
            self.env.cr.execute(
                SQL(
                    """INSERT INTO %s (key, touched) VALUES (%s, now() AT TIME ZONE 'UTC')
                       ON CONFLICT (key) DO UPDATE SET touched = EXCLUDED.touched""",
                    SQL.identifier(GATE_TABLE),
                    key,
                ),
                # The expected conflict: Odoo redoes the request, no error to log.
                log_exceptions=False,
            )

    @api.model
    def _submit_from_page(self, profile, friend_name, email, ip_address, consent_text=None):
        """The referral page's submission: within the visitor's hourly limit
        (else TooManyReferrals), first referrer wins; returns the referral."""
        self._gate(
            [
                f"ip:{ip_address}",
                f"friend:{profile.company_id.id}:{email_key(email) or email}",
            ]
        )
        if self._count_recent_from(ip_address, hours=1) >= self._ip_hour_limit():
            raise TooManyReferrals(
                self.env._("Please try again in an hour. Thank you for your patience.")
            )
        return self._create_from_page(profile, friend_name, email, ip_address, consent_text)
