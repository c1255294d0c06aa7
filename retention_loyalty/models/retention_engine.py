"""What both engines (loyalty profiles and cadence rules) share: the settings
with their defaults, the commit policy, and who a document is about.
`retention.engine` is an abstract model so another addon can override any of
these in one place (`self.env["retention.engine"]._settings()`...)."""

import threading

from odoo import api, fields, models
from odoo.tools import SQL

# The recency factor halves every this many expected intervals without an
# order (retention_profile_health_sql.py); past one half-life a customer is leaving.
RECENCY_HALF_LIFE = 2

PARAM = "retention_loyalty.%s"
HEALTH_WEIGHTS = {
    "health_weight_recency": 20,
    "health_weight_frequency": 20,
    "health_weight_revenue_trend": 10,
    "health_weight_satisfaction": 15,
    "health_weight_effort": 10,
    "health_weight_complaints": 15,
    "health_weight_engagement": 5,
    "health_weight_tier": 5,
}
# Every setting of the addon (Settings → Retention) and its default.
SETTINGS = {
    "evaluation_months": 12,
    "customer_min_score": 7,
    "promoter_min_score": 9,
    "key_account_share": 20,
    # Months between account reviews, by opportunity level.
    "review_months_high": 3,
    "review_months_medium": 6,
    "review_months_low": 12,
    "cadence_horizon_days": 7,
    "feedback_valid_days": 14,
    "feedback_quiet_days": 30,
    "churn_days": 90,
    # Working hours of the company's calendar (two working days).
    "complaint_target_hours": 16,
    # Customer-facing e-mails and texts of cadence rules per customer per 7 days.
    "touch_cap_per_week": 2,
    # Customer health: each factor's weight (they total 100) and the bands.
    # The purchase factors' weights were measured on CDNOW (README); the
    # others follow the seeds: a problem solved easily keeps a customer more
    # than satisfaction does, so complaints weigh as much as satisfaction.
    **HEALTH_WEIGHTS,
    "health_good_min": 70,
    "health_poor_below": 40,
    # Predictions (expected orders, revenue, chance of no order) look this far.
    "prediction_horizon_days": 365,
    # A customer below their tier's thresholds keeps it this many days.
    "tier_grace_days": 90,
}
# The settings every loyalty profile depends on: changing one recomputes them all.
PROFILE_SETTINGS = (
    "evaluation_months",
    "customer_min_score",
    "promoter_min_score",
    "key_account_share",
    "review_months_high",
    "review_months_medium",
    "review_months_low",
    "churn_days",
    *HEALTH_WEIGHTS,
    "health_good_min",
    "health_poor_below",
    "prediction_horizon_days",
    "tier_grace_days",
)


def setting_field(key, string, help=None, defaults=None):
    """The Settings field of the integer setting `key` (config parameter
    retention_loyalty.<key>, its default from `defaults`): one definition for
    every addon of the repository, read back with `retention.engine._settings()`."""
    default = (SETTINGS if defaults is None else defaults)[key]
    return fields.Integer(string=string, config_parameter=PARAM % key, default=default, help=help)


def inactive_after_sql(expected_interval, minimum_days=0):
    """SQL: the days without an order after which a customer is leaving: two
    of their expected intervals between orders (the health engine's
    `health_expected_interval`: past it, the recency factor is below 50), and
    never less than a rule's own minimum. One definition for the cadence
    inactivity trigger, the Churn Risk report and the health recency factor
    (CDNOW, README: the old "usual interval, else 90 days" ranked leavers
    worse than plain recency)."""
    return SQL(
        "GREATEST(%s * COALESCE(%s, 0), %s)", RECENCY_HALF_LIFE, expected_interval, minimum_days
    )


def follow_english_texts(env, vals, pairs, creating=False):
    """Odoo's untranslatable texts (a plan's name, a step's summary) are the
    English (or only) value of the addon's translatable ones: whichever of a
    pair (core, own) is written, the other follows. A translation written in
    another language leaves Odoo's text as it is."""
    english = creating or (env.lang or "en_US") == "en_US"
    for core, own in pairs:
        if core in vals and own not in vals:
            vals[own] = vals[core]
        elif own in vals and core not in vals and english:
            vals[core] = vals[own]


class RetentionEngine(models.AbstractModel):
    _name = "retention.engine"
    _description = "Retention Engine Services"

    @api.model
    def _settings_defaults(self):
        """{name: default} of every integer setting (config parameter
        retention_loyalty.<name>): the one settings reader of the repository.
        An addon adds its own by extending this with super()."""
        return dict(SETTINGS)

    @api.model
    def _settings(self):
        """{name: int} of every setting, the default when unset."""
        get = self.env["ir.config_parameter"].sudo().get_param
        return {
            key: int(get(PARAM % key, default))
            for key, default in self._settings_defaults().items()
        }

    @api.model
    def _setting(self, key):
        default = self._settings_defaults()[key]
        return int(self.env["ir.config_parameter"].sudo().get_param(PARAM % key, default))

    @api.model
    def _score_thresholds(self):
        settings = self._settings()
        return settings["customer_min_score"], settings["promoter_min_score"]

    @api.model
    def _profile_settings(self):
        """The settings every loyalty profile depends on (an added health
        factor's weight too): changing one recomputes them all."""
        weights = [key for key in self._settings_defaults() if key.startswith("health_weight_")]
        return list(dict.fromkeys([*PROFILE_SETTINGS, *weights]))

    @api.model
    def _health_weights(self, settings=None):
        """{profile factor column: its weight in the health score}: the
        setting `health_weight_<name>` of each factor `health_<name>`."""
        settings = settings or self._settings()
        return {
            factor: settings[factor.replace("health_", "health_weight_", 1)]
            for factor in self.env["retention.profile"]._health_factors()
        }

    @api.model
    def _today(self):
        """The loyalty engine's today: the database's day (UTC), the frame of
        every purchase's day (retention.purchase) and of the reports' views
        (CURRENT_DATE), so that recency, tenure, windows and Churn Risk agree
        whoever's time zone runs the recompute."""
        return fields.Date.today()

    @api.model
    def _in_test_mode(self):
        """Under Odoo's test runner or pytest-odoo: the test owns the transaction."""
        return bool(
            getattr(threading.current_thread(), "testing", False)
            or getattr(self.env.registry, "in_test_mode", lambda: False)()
        )

    @api.model
    def _commit(self):
        """End a batch: commit it, so a crash loses nothing done. Never inside
        a test's transaction."""
        if not self._in_test_mode():
            self.env.cr.commit()  # pylint: disable=invalid-commit
            # The engines' few big statements lose seconds to JIT compilation
            # (the cadence rerun: 3.1 s with it, 0.6 s without, 1,000,000 orders).
            self.env.cr.execute("SET LOCAL jit = off")

    @api.model
    def _customer_of(self, record):
        """The customer a document is about: itself for a partner, else its
        partner_id (none for models without one)."""
        if record._name == "res.partner":
            return record
        if "partner_id" in record._fields:
            return record.partner_id
        return self.env["res.partner"]

    @api.model
    def _user_of(self, record):
        """The document's salesperson (its user_id, an invoice's
        invoice_user_id), if it has one."""
        for name in ("user_id", "invoice_user_id"):
            field = record._fields.get(name)
            if field and field.comodel_name == "res.users":
                return record[name]
        return self.env["res.users"]

    @api.model
    def _open_document(self, res_model, res_id):
        """The action opening a source document (an order, an opportunity...)."""
        return {
            "type": "ir.actions.act_window",
            "res_model": res_model,
            "res_id": res_id,
            "view_mode": "form",
        }
