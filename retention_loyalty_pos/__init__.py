from . import models


def uninstall_hook(env):
    """The purchases view reads the till's orders: rebuild it without them,
    or dropping point_of_sale's tables later would take it (and the reports
    reading it) away."""
    env["retention.purchase"].with_context(retention_purchase_skip=["pos"])._create_view()
