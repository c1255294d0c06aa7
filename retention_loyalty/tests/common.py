import html
from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, fields
from odoo.tests.common import TransactionCase

from ..models.retention_engine import SETTINGS


class RetentionCase(TransactionCase):
    """Customers, a tax-free product and helpers to sell and ask for feedback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context={**cls.env.context, "tracking_disable": False})
        # The engine's day (the database's, UTC: see retention.engine._today).
        cls.today = fields.Date.today()
        cls.product = cls.env["product.product"].create(
            {"name": "Retention Widget", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        cls.bronze = cls.env.ref("retention_loyalty.tier_bronze")
        cls.silver = cls.env.ref("retention_loyalty.tier_silver")
        cls.gold = cls.env.ref("retention_loyalty.tier_gold")
        cls.platinum = cls.env.ref("retention_loyalty.tier_platinum")
        # The shipped settings, whatever the database holds.
        for key, value in SETTINGS.items():
            cls.env["ir.config_parameter"].set_param(f"retention_loyalty.{key}", value)
        # Tiers follow the thresholds to the day (a grace of 0, the behaviour
        # before grace periods): test_tier_grace.py sets one where it is the point.
        cls.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 0)
        # Only the shipped ladder: demo or user tiers must not change the outcome.
        cls.env["retention.tier"].search(
            [("id", "not in", (cls.bronze | cls.silver | cls.gold | cls.platinum).ids)]
        ).active = False

    @classmethod
    def _customer(cls, name, **values):
        return cls.env["res.partner"].create({"name": name, "is_company": True, **values})

    @classmethod
    def _sell(cls, customer, amount, days_ago=0, confirm=True):
        order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.product.id, "product_uom_qty": 1, "price_unit": amount}
                    )
                ],
            }
        )
        if confirm:
            order.action_confirm()
            if days_ago:
                order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        return order

    @classmethod
    def _answer(cls, customer, score, days_ago=0, **values):
        return cls.env["retention.feedback"].create(
            {
                "partner_id": customer.id,
                "score": score,
                "date": cls.today - timedelta(days=days_ago),
                **values,
            }
        )

    @contextmanager
    def assertRaisesText(self, exception, text):
        """assertRaises (which rolls back to a savepoint, unlike assertRaisesRegex)
        that also checks the message a user would read."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def _last_note(self, partner):
        """The latest note about the customer: on their chatter, or on one of
        their profiles when other companies share them."""
        messages = (
            partner.message_ids | partner.commercial_partner_id.retention_profile_ids.message_ids
        )
        return html.unescape(str(messages.sorted("id")[-1:].body or ""))
