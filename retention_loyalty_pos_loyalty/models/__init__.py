from . import loyalty_program
from . import res_partner
from . import pos_config
