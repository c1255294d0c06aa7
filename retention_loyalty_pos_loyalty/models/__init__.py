from . import loyalty_program
from . import pos_config
