from . import test_till_offers
