from . import retention_purchase
from . import pos_order
from . import retention_cadence
