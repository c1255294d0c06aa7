from . import main
from . import unsubscribe
