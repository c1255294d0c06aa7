"""The triggers of cadence rules, one method each, found by name (as OCA's
account_credit_control finds its modes): a trigger `x` is

- a value of the `trigger` selection (`selection_add` in another addon),
- `_trigger_x_sources(window)`: the SQL of its live sources, one row each,
  its columns written by `window.row(...)` (named, in the order the engine
  and a UNION need): partner_id (the commercial entity), res_model / res_id
  (the source document), cycle (which round of a lasting trigger, else NULL),
  start_date (nothing is scheduled before it), anchor_date (the steps count
  from it), doc_user_id and company_id;
- optionally `_trigger_x_traits()`: what the rest of the engine must know
  about it (see `_trigger_traits`).

The README ("Adding a trigger or a step kind") shows a complete example."""

from datetime import timedelta

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .retention_engine import inactive_after_sql

# What a trigger is, unless its `_trigger_x_traits` says otherwise.
DEFAULT_TRAITS = {
    # The model of its source documents.
    "source": "res.partner",
    # Activities may go on the source document itself (an order, an opportunity).
    "on_document": False,
    # The anchor is the event itself: no step can happen before it.
    "event": True,
    # It lasts (a review due, a customer inactive): steps may repeat after the
    # anchor for as long as it holds. Otherwise it happens once.
    "lasting": False,
    # A missed occurrence is created however late (else skipped after a week).
    "always_catch_up": False,
    # One open follow-up per customer, company and step is enough: a new
    # source while one is open joins it (a second low score, another recovery
    # call) instead of adding a copy.
    "one_open_per_customer": False,
}


class SourceWindow:
    """What a trigger's source query needs: which rule, which dates, and the
    helpers every trigger uses the same way."""

    def __init__(self, cadence, lo, hi, pending):
        self.cadence = cadence
        # Sources whose dates may fall between lo (None: no lower bound) and hi...
        self.lo, self.hi = lo, hi
        # ...or, when pending, those of the rule's pending follow-ups.
        self.pending = pending
        # Timestamps are compared in UTC: widen the window by a day each side.
        self.lo_ts = lo - timedelta(days=1) if lo else None
        self.hi_ts = hi + timedelta(days=2)
        self.tz = cadence._tz()

    def day(self, column):
        """A UTC timestamp column as a date in the rule's time zone."""
        return SQL("(%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", column, self.tz)

    def company(self, column):
        """The rule's company only (a rule of no company: every company)."""
        company = self.cadence.company_id.id or None
        return SQL("(%s::int IS NULL OR %s = %s)", company, column, company)

    def scope(self, id_column, recent):
        """`recent` (a condition on the source's dates), or, when reconciling,
        the sources of the rule's pending follow-ups."""
        if not self.pending:
            return recent
        return SQL(
            "%s IN (SELECT res_id FROM retention_followup WHERE cadence_id = %s "
            "AND ((state = 'planned' AND activity_id IS NOT NULL) OR state = 'held'))",
            id_column,
            self.cadence.id,
        )

    def between(self, column):
        """A timestamp column within the window."""
        return SQL("%s >= %s AND %s < %s", column, self.lo_ts, column, self.hi_ts)

    def until(self, date):
        """A date up to the window's end, and from its start if it has one."""
        if self.lo is None:
            return SQL("%s <= %s", date, self.hi)
        return SQL("%s BETWEEN %s AND %s", date, self.lo, self.hi)

    @staticmethod
    def row(
        partner_id, res_model, res_id, *, start_date, anchor_date, company_id,
        cycle=None, doc_user_id=None,
    ):  # fmt: skip
        """The SELECT list of a source row: SQL expressions by name (res_model
        a model's name), the columns in the one order every source has."""
        return SQL(
            """%s AS partner_id, %s::varchar AS res_model, %s AS res_id, %s AS cycle,
               %s AS start_date, %s AS anchor_date, %s AS doc_user_id, %s AS company_id""",
            partner_id,
            res_model,
            res_id,
            SQL("NULL::date") if cycle is None else cycle,
            start_date,
            anchor_date,
            SQL("NULL::int") if doc_user_id is None else doc_user_id,
            company_id,
        )

    def select(self, model, tables, where, columns, recent, *, anchor=None, cycle=None):
        """The sources of documents of `model`: `tables` (FROM, joins
        included) meeting `where`, in the rule's company, recent by `recent`
        (or pending). `columns`: (partner, document id, company, day, user)
        as SQL, user None when none; the day is the start, and the anchor
        unless `anchor` is given; `cycle` for a lasting trigger."""
        partner, doc_id, company, day, user = columns
        return SQL(
            "SELECT %s FROM %s WHERE %s AND %s AND %s",
            self.row(
                partner, model, doc_id, start_date=day,
                anchor_date=day if anchor is None else anchor,
                company_id=company, doc_user_id=user, cycle=cycle,
            ),
            tables,
            where,
            self.company(company),
            self.scope(doc_id, recent),
        )  # fmt: skip


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    def _trigger_traits(self, trigger=None):
        trigger = trigger or self.trigger
        method = getattr(self, f"_trigger_{trigger}_traits", None)
        return {**DEFAULT_TRAITS, **(method() if method else {})}

    def _sources_sql(self, lo, hi, pending):
        """This rule's live sources (see the module's docstring)."""
        self.ensure_one()
        method = getattr(self, f"_trigger_{self.trigger}_sources", None)
        if method is None:
            raise UserError(
                self.env._(
                    "Rule “%(rule)s”: its trigger “%(trigger)s” is not available any more "
                    "(was the addon that adds it uninstalled?).",
                    rule=self.display_name,
                    trigger=self.trigger,
                )
            )
        return method(SourceWindow(self, lo, hi, pending))

    # -- orders ---------------------------------------------------------------

    def _order_sources(self, window, anchor):
        return window.select(
            "sale.order",
            SQL("sale_order so JOIN res_partner p ON p.id = so.partner_id"),
            SQL("so.state = 'sale' AND %s IS NOT NULL", anchor),
            (SQL("p.commercial_partner_id"), SQL("so.id"), SQL("so.company_id"),
             window.day(SQL("so.date_order")), SQL("so.user_id")),
            SQL("so.date_order < %s AND %s >= %s", window.hi_ts, anchor, window.lo),
            anchor=anchor,
        )  # fmt: skip

    def _trigger_sale_confirmed_traits(self):
        return {"source": "sale.order", "on_document": True}

    def _trigger_sale_confirmed_sources(self, window):
        return self._order_sources(window, window.day(SQL("so.date_order")))

    def _trigger_invoice_posted_traits(self):
        return {"source": "account.move", "on_document": True}

    def _trigger_invoice_posted_sources(self, window):
        """Posted customer invoices that are purchases of their own (made from
        no order: an order's invoice follows the order's rule)."""
        elsewhere = self.env["retention.purchase"]._purchase_counted_elsewhere(
            SQL("m"), "out_invoice"
        )
        return window.select(
            "account.move",
            SQL("account_move m"),
            SQL(
                """m.move_type = 'out_invoice' AND m.state = 'posted' AND NOT (%s)
                   AND m.invoice_date IS NOT NULL AND m.commercial_partner_id IS NOT NULL""",
                elsewhere,
            ),
            (SQL("m.commercial_partner_id"), SQL("m.id"), SQL("m.company_id"),
             SQL("m.invoice_date"), SQL("m.invoice_user_id")),
            window.until(SQL("m.invoice_date")),
        )  # fmt: skip

    def _trigger_order_date_traits(self):
        return {"source": "sale.order", "on_document": True, "event": False}

    def _trigger_order_date_sources(self, window):
        column = SQL("so.%s", SQL.identifier(self.anchor_field))
        # A departure date is a date; a delivery date a timestamp.
        is_date = self.env["sale.order"]._fields[self.anchor_field].type == "date"
        return self._order_sources(
            window, SQL("%s::date", column) if is_date else window.day(column)
        )

    # -- opportunities, feedback, complaints, tiers ---------------------------

    def _trigger_lead_won_traits(self):
        return {"source": "crm.lead", "on_document": True}

    def _trigger_lead_won_sources(self, window):
        return window.select(
            "crm.lead",
            SQL("""crm_lead l JOIN crm_stage s ON s.id = l.stage_id
                   JOIN res_partner p ON p.id = l.partner_id"""),
            SQL("l.active AND s.is_won AND l.date_closed IS NOT NULL"),
            (SQL("p.commercial_partner_id"), SQL("l.id"), SQL("l.company_id"),
             window.day(SQL("l.date_closed")), SQL("l.user_id")),
            window.between(SQL("l.date_closed")),
        )  # fmt: skip

    def _trigger_detractor_traits(self):
        return {"source": "retention.feedback", "one_open_per_customer": True}

    def _trigger_detractor_sources(self, window):
        # A low score, or a complaint: both call for a recovery.
        scores = window.select(
            "retention.feedback",
            SQL("retention_feedback f"),
            SQL("f.nps_category = 'detractor'"),
            (SQL("f.commercial_partner_id"), SQL("f.id"), SQL("f.company_id"), SQL("f.date"),
             SQL("f.user_id")),
            window.until(SQL("f.date")),
        )  # fmt: skip
        complaints = self._complaint_sources(
            window, "c.state IN ('new', 'in_progress')", "reported"
        )
        return SQL("%s UNION ALL %s", scores, complaints)

    def _complaint_sources(self, window, condition, date):
        """Complaints meeting `condition`, recent by their date_<date>."""
        column = SQL.identifier("c", f"date_{date}")
        return window.select(
            "retention.complaint",
            SQL("retention_complaint c"),
            SQL("c.commercial_partner_id IS NOT NULL AND %s", SQL(condition)),
            (SQL("c.commercial_partner_id"), SQL("c.id"), SQL("c.company_id"),
             window.day(column), SQL("c.user_id")),
            window.between(column),
        )  # fmt: skip

    def _trigger_complaint_resolved_traits(self):
        return {"source": "retention.complaint", "on_document": True}

    def _trigger_complaint_resolved_sources(self, window):
        return self._complaint_sources(window, "c.state = 'resolved'", "resolved")

    def _trigger_tier_changed_traits(self):
        return {"source": "retention.tier.history"}

    def _trigger_tier_changed_sources(self, window):
        direction = {
            "up": SQL("h.is_upgrade"),
            "down": SQL("NOT h.is_upgrade"),
            "any": SQL("true"),
        }[self.tier_change or "any"]
        return window.select(
            "retention.tier.history",
            SQL("retention_tier_history h"),
            SQL("h.reason != 'kept' AND %s", direction),
            (SQL("h.partner_id"), SQL("h.id"), SQL("h.company_id"), SQL("h.date"), None),
            window.until(SQL("h.date")),
        )

    # -- lasting triggers, on each company's profile of the customer ----------

    def _profile_sources(self, window, cycle, anchor, condition):
        return window.select(
            "res.partner",
            SQL("retention_profile p JOIN res_partner rp ON rp.id = p.partner_id"),
            SQL("rp.active AND %s", condition),
            (SQL("p.partner_id"), SQL("p.partner_id"), SQL("p.company_id"), cycle, None),
            window.until(anchor),
            anchor=anchor,
            cycle=cycle,
        )

    def _trigger_review_traits(self):
        return {"event": False, "lasting": True, "always_catch_up": True}

    def _trigger_review_sources(self, window):
        return self._profile_sources(
            window,
            cycle=SQL("COALESCE(p.last_review_date, p.first_order_date)"),
            anchor=SQL("p.next_review_date"),
            condition=SQL("p.next_review_date IS NOT NULL"),
        )

    def _trigger_inactivity_traits(self):
        return {"event": False, "lasting": True}

    def _trigger_inactivity_sources(self, window):
        threshold = inactive_after_sql(SQL("p.health_expected_interval"), self.inactivity_days or 0)
        return self._profile_sources(
            window,
            cycle=SQL("p.last_order_date"),
            anchor=SQL("(p.last_order_date + %s)", threshold),
            condition=SQL("p.last_order_date IS NOT NULL AND %s > 0", threshold),
        )
