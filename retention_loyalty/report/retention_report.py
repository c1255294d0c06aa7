from odoo import models, tools
from odoo.tools import SQL


class RetentionReport(models.AbstractModel):
    """The SQL views of the reports, assembled as sale.report does: another
    addon adds a column by extending `_select` (and `_from` / `_group_by` for
    what it joins), without rewriting the whole query."""

    _name = "retention.report"
    _inherit = "retention.report.read"
    _description = "Retention Report (SQL view)"
    _auto = False

    def _with(self):
        """WITH clauses (without the WITH keyword); empty: none."""
        return SQL()

    def _select(self):
        raise NotImplementedError

    def _from(self):
        raise NotImplementedError

    def _where(self):
        return SQL()

    def _group_by(self):
        return SQL()

    def _query(self):
        with_ = self._with()
        where, group_by = self._where(), self._group_by()
        return SQL(
            "%s SELECT %s FROM %s %s %s",
            SQL("WITH %s", with_) if with_ else SQL(),
            self._select(),
            self._from(),
            SQL("WHERE %s", where) if where else SQL(),
            SQL("GROUP BY %s", group_by) if group_by else SQL(),
        )

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
