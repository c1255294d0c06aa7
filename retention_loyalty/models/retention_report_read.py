from odoo import api, models


class RetentionReportRead(models.AbstractModel):
    """Reads of the report views without PostgreSQL's JIT compilation: it
    takes about 0.7 s to compile the plan of a view over every purchase, more
    than many of these reads take (the cohorts at 100,000 customers: 6.3 s
    with it, 2.4 s without). SET LOCAL: for the request's transaction only,
    and allowed on a read replica."""

    _name = "retention.report.read"
    _description = "Retention Report Reads"

    def _without_jit(self):
        self.env.cr.execute("SET LOCAL jit = off")

    @api.model
    def _read_group(self, *args, **kwargs):
        self._without_jit()
        return super()._read_group(*args, **kwargs)

    @api.model
    def search_fetch(self, *args, **kwargs):
        self._without_jit()
        return super().search_fetch(*args, **kwargs)

    @api.model
    def search_count(self, *args, **kwargs):
        self._without_jit()
        return super().search_count(*args, **kwargs)
