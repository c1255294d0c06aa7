from . import mail_activity
from . import retention_cadence
