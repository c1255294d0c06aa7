from odoo import api, models

from .res_config_settings import REWARD_SETTINGS


class RetentionEngine(models.AbstractModel):
    _inherit = "retention.engine"

    @api.model
    def _settings_defaults(self):
        """The referral rewards' settings, read like the addon's own."""
        return {**super()._settings_defaults(), **REWARD_SETTINGS}
