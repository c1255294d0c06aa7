"""The two health triggers, through the trigger registry like any other
(retention_cadence_triggers.py): a customer's health fell into a band, or
dropped by N points within D days. Both read the health history the loyalty
engine writes (a row per customer and day at most)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .retention_profile import HEALTH_BANDS

# Worse bands rank lower: falling into one is moving to a lower rank. A new
# customer who does not come back within the usual interval falls too.
BAND_RANK = {"new": 3, "good": 3, "at_risk": 2, "poor": 1}
MAX_DROP_DAYS = 365


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    health_band = fields.Selection(
        [band for band in HEALTH_BANDS if band[0] not in ("new", "good")],
        "Health Fell Into",
        default="at_risk",
        help="The rule starts when the customer's health falls into this band from a better one.",
    )
    health_drop_points = fields.Integer(
        "Dropped By (points)",
        default=15,
        help="The rule starts when the health score is this many points below its highest "
        "of the last days set below.",
    )
    health_drop_days = fields.Integer("Within (days)", default=30)

    @api.constrains("health_drop_points", "health_drop_days")
    def _check_health_drop(self):
        for cadence in self.filtered(lambda rule: rule.trigger == "health_drop"):
            if not 1 <= cadence.health_drop_points <= 100:  # noqa: PLR2004
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: a health drop goes from 1 to 100 points "
                        "(got %(points)s).",
                        rule=cadence.display_name,
                        points=cadence.health_drop_points,
                    )
                )
            if not 1 <= cadence.health_drop_days <= MAX_DROP_DAYS:
                raise ValidationError(
                    self.env._(
                        "Rule “%(rule)s”: a health drop is measured over 1 to %(max)s days "
                        "(got %(days)s).",
                        rule=cadence.display_name,
                        max=MAX_DROP_DAYS,
                        days=cadence.health_drop_days,
                    )
                )

    def _health_sources(self, window, condition):
        return window.select(
            "retention.health.history",
            SQL("retention_health_history h JOIN res_partner p ON p.id = h.partner_id"),
            SQL("p.active AND %s", condition),
            (SQL("h.partner_id"), SQL("h.id"), SQL("h.company_id"), SQL("h.date"), None),
            window.until(SQL("h.date")),
        )

    def _trigger_health_band_traits(self):
        return {"source": "retention.health.history", "one_open_per_customer": True}

    def _trigger_health_band_sources(self, window):
        band = self.health_band or "at_risk"
        better = [key for key, rank in BAND_RANK.items() if rank > BAND_RANK[band]]
        return self._health_sources(
            window, SQL("h.band = %s AND h.previous_band = ANY(%s)", band, better)
        )

    def _trigger_health_drop_traits(self):
        return {"source": "retention.health.history", "one_open_per_customer": True}

    def _trigger_health_drop_sources(self, window):
        # The highest score of the last D days: the rows within them, and the
        # one in force as they began.
        return self._health_sources(
            window,
            SQL(
                """h.score <= (
                       SELECT MAX(e.score) FROM retention_health_history e
                        WHERE e.partner_id = h.partner_id AND e.company_id = h.company_id
                          AND e.date < h.date
                          AND e.date >= COALESCE(
                              (SELECT MAX(b.date) FROM retention_health_history b
                                WHERE b.partner_id = h.partner_id
                                  AND b.company_id = h.company_id
                                  AND b.date <= h.date - %(days)s),
                              h.date - %(days)s)
                   ) - %(points)s""",
                days=self.health_drop_days or 30,
                points=self.health_drop_points or 15,
            ),
        )
