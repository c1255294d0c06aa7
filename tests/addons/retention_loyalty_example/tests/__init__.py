from . import test_example
from . import test_health_and_fraud
