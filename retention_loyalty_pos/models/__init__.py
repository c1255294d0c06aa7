from . import retention_purchase
from . import pos_order
from . import retention_cadence
from . import retention_referral
from . import pos_config
from . import res_partner
