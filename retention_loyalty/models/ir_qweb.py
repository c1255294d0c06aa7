"""One compilation per template in a batch of e-mails: Odoo renders a mail
template's QWeb body from its source for each record, and compiles that
source each time (a parsed template is never cached). Under the context key
`retention_qweb_memo` (a dict the caller owns for one batch), the compiled
template is kept by its source and compile options."""

from lxml import etree

from odoo import models

MEMO = "retention_qweb_memo"


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        memo = self.env.context.get(MEMO)
        if memo is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        context = self.env.context
        key = (
            etree.tostring(template),
            tuple(context.get(k) for k in self._get_template_cache_keys()),
            context.get("raise_on_forbidden_code_for_model"),
        )
        if key not in memo:
            memo[key] = super()._compile(template)
        return memo[key]
