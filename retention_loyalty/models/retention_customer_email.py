"""The one look of every e-mail to a customer: `_wrap` puts a body in the
company's layout (views/retention_customer_email_layout.xml), with the
sender's signature and the unsubscribe line. Another addon restyles every
customer e-mail by inheriting the one template."""

from types import SimpleNamespace

from markupsafe import Markup

from odoo import api, models

LAYOUT = "retention_loyalty.customer_email_layout"


class RetentionCustomerEmail(models.AbstractModel):
    _name = "retention.customer.email"
    _description = "Customer E-mail Layout"

    @api.model
    def _wrap(self, body, company, sender=None, footer=None):
        """The e-mail's HTML, in the environment's language: `body` in the
        company's layout, signed by `sender` (a user), `footer` under it."""
        # Local links (the logo) become absolute as the mail is sent.
        return (
            self.env["ir.qweb"]
            .sudo()
            ._render(
                LAYOUT,
                {
                    "message": SimpleNamespace(body=Markup(body or "")),
                    "company": company.sudo(),
                    "lang": self.env.lang,
                    "signature": self._signature(sender, company),
                    "footer": footer,
                },
            )
        )

    @api.model
    def _signature(self, sender, company):
        """The sender's own signature, else their name and the company's."""
        if sender and sender.signature and Markup(sender.signature).striptags().strip():
            return Markup(sender.signature)
        name = sender.name if sender else ""
        return Markup("<br/>").join(filter(None, [name, company.name]))
