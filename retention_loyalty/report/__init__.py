from . import retention_report
from . import retention_nps_report
from . import retention_loyalty_matrix
from . import retention_churn_report
from . import retention_referral_report
from . import retention_compliance_report
from . import retention_referral_funnel_report
from . import retention_health_report
