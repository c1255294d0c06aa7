from . import res_company
from . import res_config_settings
from . import retention_referral
from . import retention_profile
