"""Joins: a new follow-up that would repeat what the rep already has for the
customer is closed as joined instead of created. The ledger keeps it (it is
never created again) and the rep has one call to make, not one per order or
per low score."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .retention_cadence_occurrences import DAYS_PER_UNIT


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    run_scope = fields.Char(
        "Runs", compute="_compute_run_scope", help="How often a customer goes through the rule."
    )

    @api.depends("trigger", "target", "template_ids.delay_count", "template_ids.delay_unit")
    @api.depends_context("lang")
    def _compute_run_scope(self):
        for cadence in self:
            traits = cadence._trigger_traits() if cadence.trigger else {}
            if traits.get("one_open_per_customer"):
                text = self.env._(
                    "Once per customer at a time: a new source while the follow-up is open "
                    "joins it."
                )
            elif cadence.target == "document":
                text = self.env._("Per document: each one gets its own steps.")
            elif cadence.trigger and cadence._runs_per_customer():
                text = self.env._(
                    "Once per customer at a time: another document while the customer's "
                    "sequence runs (%(days)s days) joins it.",
                    days=cadence._sequence_days(),
                )
            else:
                text = self.env._("Per customer.")
            cadence.run_scope = text

    def _join_followups(self, followups):
        """The new follow-ups that join one the customer has (see the two
        ways below); returns them, closed."""
        traits = self._trigger_traits()
        if traits["one_open_per_customer"]:
            return self._join_open_followups(followups)
        if self._runs_per_customer():
            return self._join_running_sequences(followups)
        return followups.browse()

    def _runs_per_customer(self):
        """A rule on the customer follows each customer once at a time: a second
        order while its sequence runs joins it. A rule on the document runs per
        document (each order its own calls)."""
        traits = self._trigger_traits()
        return (
            self.target == "customer"
            and traits["source"] != "res.partner"
            and traits["event"]
            and not traits["lasting"]
        )

    def _join_open_followups(self, followups):
        """New follow-ups whose customer already has this step open (or gets
        it earlier in this batch) are closed as joined: the ledger keeps them,
        so they are never created again, and the rep has one call to make."""
        self.env.cr.execute(
            SQL(
                """UPDATE retention_followup f SET state = 'cancelled'
                    WHERE f.id = ANY(%(new)s) AND EXISTS (
                          SELECT 1 FROM retention_followup o
                           WHERE o.cadence_id = f.cadence_id AND o.step_id = f.step_id
                             AND o.partner_id = f.partner_id AND o.state = 'planned'
                             AND o.company_id IS NOT DISTINCT FROM f.company_id
                             AND (o.activity_id IS NOT NULL
                                  OR (o.id = ANY(%(new)s) AND o.id < f.id)))
                RETURNING f.id""",
                new=followups.ids,
            )
        )
        joined = followups.browse([row[0] for row in self.env.cr.fetchall()])
        joined.invalidate_recordset(["state"])
        return joined

    def _sequence_days(self):
        """How long one sequence of the rule runs: from its trigger to its last step."""
        after = self.template_ids.filtered(lambda s: s.delay_from != "before_plan_date")
        return max((s.delay_count * DAYS_PER_UNIT[s.delay_unit] for s in after), default=0)

    def _join_running_sequences(self, followups):
        """New follow-ups whose customer's sequence of this rule is running (a
        step of another source, not joined itself, due at most the sequence's
        length earlier) are closed as joined. In order of due date, so the first
        order of a burst leads and a later one leads once that sequence ended."""
        if not followups:
            return followups
        span = self._sequence_days()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (o.step_id, o.partner_id, o.company_id)
                          o.step_id, o.partner_id, o.company_id, o.date_deadline
                     FROM retention_followup o
                    WHERE o.cadence_id = %(cadence)s AND o.state <> 'cancelled'
                      AND NOT o.id = ANY(%(new)s) AND o.partner_id = ANY(%(partners)s)
                      AND o.date_deadline >= %(since)s
                 ORDER BY o.step_id, o.partner_id, o.company_id, o.date_deadline DESC""",
                cadence=self.id,
                new=followups.ids,
                partners=list(set(followups.partner_id.ids)),
                since=min(followups.mapped("date_deadline")) - timedelta(days=span),
            )
        )
        leads = {tuple(row[:3]): row[3] for row in self.env.cr.fetchall()}
        joined = []
        for followup in followups.sorted(lambda f: (f.date_deadline, f.id)):
            key = (followup.step_id.id, followup.partner_id.id, followup.company_id.id or None)
            lead = leads.get(key)
            if lead and (followup.date_deadline - lead).days <= span:
                joined.append(followup.id)
            else:
                leads[key] = followup.date_deadline
        self.env.cr.execute(
            SQL("UPDATE retention_followup SET state = 'cancelled' WHERE id = ANY(%s)", joined)
        )
        joined = followups.browse(joined)
        joined.invalidate_recordset(["state"])
        return joined
