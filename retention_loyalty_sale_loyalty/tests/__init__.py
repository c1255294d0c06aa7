from . import test_referral_rewards
