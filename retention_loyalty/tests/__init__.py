from . import test_advocacy
from . import test_feedback_activity
from . import test_performance
from . import test_referral
from . import test_retention_tier
from . import test_security
from . import test_settings
from . import test_ui
