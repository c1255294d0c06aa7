from . import test_referral_rewards
from . import test_tier_benefits
from . import test_reward_expiring
