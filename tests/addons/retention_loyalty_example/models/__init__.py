from . import mail_activity
from . import retention_cadence
from . import retention_health
from . import retention_referral
