from . import main
from . import unsubscribe
from . import referral
from . import portal
