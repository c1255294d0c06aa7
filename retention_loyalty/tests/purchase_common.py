"""Two companies with a chart of accounts (A in USD, B in EUR), a customer
shared by both, and helpers to sell through every channel: the base of the
purchase tests here and in the bridges (retention_loyalty_pos)."""

from datetime import timedelta

from odoo import Command

from .common import RetentionCase


class PurchaseCase(RetentionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.invoice_policy = "order"
        cls.usd = cls.env.ref("base.USD")
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.company_a = cls.env["res.company"].create({"name": "Shop A", "currency_id": cls.usd.id})
        cls.company_b = cls.env["res.company"].create({"name": "Shop B", "currency_id": cls.eur.id})
        cls.env.user.company_ids |= cls.company_a | cls.company_b
        for company in cls.company_a | cls.company_b:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
        # The generic chart is in USD: B takes its own currency back.
        cls.company_b.currency_id = cls.eur
        # 1 USD = 0.5 EUR in A: an invoice of 500 EUR is 1,000 USD there.
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.eur.id, "rate": 0.5, "company_id": cls.company_a.id}
        )
        cls.shared = cls._customer("Shared Customer")

    def _profile(self, company, partner=None):
        """What a user of `company` reads on the customer."""
        self.env.invalidate_all()
        return (partner or self.shared).with_company(company)

    @classmethod
    def _order_in(cls, company, amount, partner=None, invoice=False):
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": (partner or cls.shared).id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "price_unit": amount})
                    ],
                }
            )
        )
        order.action_confirm()
        if invoice:
            order._create_invoices().action_post()
        return order

    @classmethod
    def _invoice_in(cls, company, amount, partner=None, refund=False, post=True, **values):
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_refund" if refund else "out_invoice",
                    "partner_id": (partner or cls.shared).id,
                    "company_id": company.id,
                    "invoice_date": values.pop("invoice_date", cls.today),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                    **values,
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _credit_in_full(cls, invoices):
        """The goods came back: a credit note of the whole invoice, posted."""
        return invoices._reverse_moves(cancel=True)

    def _buyers(self, count):
        """`count` customers with a confirmed order each, profiles and key
        accounts cut (the nightly recompute)."""
        customers = self.env["res.partner"].create(
            [{"name": f"Buyer {i}", "is_company": True} for i in range(count)]
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
                for customer in customers
            ]
        )
        orders.action_confirm()
        self.env["res.partner"]._cron_recompute_loyalty_profiles()
        return customers

    def _day_2_call_rule(self, trigger):
        """The only active rule: a call 2 days after each source of `trigger`,
        in every company."""
        self.env["retention.cadence"].search([]).active = False
        return self.env["retention.cadence"].create(
            {
                "name": f"Day 2 call ({trigger})",
                "trigger": trigger,
                "company_id": False,
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                            "summary": "Day 2 call",
                            "delay_count": 2,
                            "delay_from": "after_plan_date",
                        }
                    )
                ],
            }
        )

    def _days_ago(self, days):
        return self.today - timedelta(days=days)
