from . import main
from . import referral
from . import portal
