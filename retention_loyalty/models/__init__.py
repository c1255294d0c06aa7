from . import res_config_settings
from . import retention_feedback
from . import retention_tier
from . import res_partner
from . import res_partner_loyalty
from . import sale_order
from . import crm_lead
