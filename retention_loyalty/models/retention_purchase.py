"""What a purchase is: the one definition every figure of the addon reads
(profile, tiers, health, key accounts, referral revenue, retention rate,
cohorts, the digest).

A purchase is a row: the customer's commercial entity, the company, the day,
the untaxed amount in the company's currency at the document's own rate, and
whether it is an order (a sale) or a credit (a credit note, a till refund,
whose amount is negative). Each channel is one method,
`_purchase_source_<channel>(scope, channel, index)`, found by name from the `channel`
selection, as the cadence triggers are: another addon adds a channel with a
`selection_add` and a method (`retention_loyalty_pos` adds the till).

Each sale counts once: an invoice made from a sale order (or at the till) is
counted through its order, never again as an invoice; a credit note counts
whatever it credits, except one made at the till (the till's refund order
counts instead; see `_purchase_counted_elsewhere`)."""

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

# The view's ids: a document's id times this, plus its channel's index.
MAX_CHANNELS = 16


class RetentionPurchase(models.Model):
    _name = "retention.purchase"
    _inherit = "retention.report.read"
    _description = "Customer Purchase"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "res_name"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(readonly=True)
    amount = fields.Monetary(
        "Untaxed Amount",
        readonly=True,
        help="In the company's currency at the document's own rate; negative for a credit.",
    )
    is_order = fields.Boolean(
        "Counts as an Order",
        readonly=True,
        help="A sale. Credit notes and refunds take their amount off the revenue but are no order.",
    )
    channel = fields.Selection(
        [("sale", "Sale Order"), ("invoice", "Direct Invoice"), ("refund", "Credit Note")],
        readonly=True,
    )
    res_model = fields.Char("Document Model", readonly=True)
    res_id = fields.Integer("Document", readonly=True)
    res_name = fields.Char("Reference", readonly=True)

    # -- the definition ------------------------------------------------------

    @api.model
    def _purchase_channels(self):
        """The channels whose method exists, in a fixed order (their index
        makes the view's ids)."""
        names = [key for key, _label in self._fields["channel"].selection]
        skip = set(self.env.context.get("retention_purchase_skip", ()))
        return [n for n in names if n not in skip and hasattr(self, f"_purchase_source_{n}")]

    @api.model
    def _purchases_sql(self, partners=None):
        """SQL of every purchase, from every channel; `partners` (commercial
        partners: ids, or an SQL subquery of ids) keeps only theirs, inside
        each channel's query so that each uses its own index. A document's
        timestamp is its UTC day, the engine's frame (retention.engine._today).
        Columns: id, partner_id, company_id, date, amount, is_order, channel,
        res_model, res_id, res_name."""
        scope = PurchaseScope(partners)
        branches = []
        for index, channel in enumerate(self._purchase_channels()):
            source = getattr(self, f"_purchase_source_{channel}")(scope, SQL("%s", channel), index)
            branches.append(SQL("(%s)", source))
        return SQL(" UNION ALL ").join(branches)

    @api.model
    def _purchase_columns(self, channel, index, **columns):
        """The SELECT list every channel returns, in the view's column order,
        from its expressions: doc (the document's id), partner (the commercial
        entity), company, date, amount, is_order, model, name."""
        return SQL(
            """%(doc)s * %(max)s + %(index)s AS id, %(partner)s AS partner_id,
               %(company)s AS company_id, %(date)s AS date, %(amount)s::numeric AS amount,
               %(is_order)s AS is_order, %(channel)s::varchar AS channel,
               %(model)s::varchar AS res_model, %(doc)s AS res_id, %(name)s::varchar AS res_name""",
            max=MAX_CHANNELS,
            index=index,
            channel=channel,
            **columns,
        )

    @api.model
    def _purchase_inputs(self):
        """What the channels read, per model: flushed before a statement reads
        purchases in SQL. A channel added by another addon adds its own."""
        return {
            "sale.order": [
                "state", "partner_id", "date_order", "amount_untaxed", "currency_rate",
                "company_id", "name",
            ],
            "account.move": [
                "state", "move_type", "commercial_partner_id", "company_id", "invoice_date",
                "date", "amount_untaxed_signed", "name",
            ],
            "account.move.line": ["move_id", "sale_line_ids"],
            "res.partner": ["commercial_partner_id"],
        }  # fmt: skip

    @api.model
    def _flush_purchases(self):
        for model, names in self._purchase_inputs().items():
            self.env[model].flush_model(names)
        # A view: rows read earlier in the transaction are stale now.
        self.invalidate_model()

    # -- the channels --------------------------------------------------------

    def _purchase_source_sale(self, scope, channel, index):
        """Confirmed sale orders; their invoices are not counted again."""
        return SQL(
            """SELECT %s FROM sale_order o JOIN res_partner buyer ON buyer.id = o.partner_id
                WHERE o.state = 'sale' AND %s""",
            self._purchase_columns(
                channel,
                index,
                doc=SQL("o.id"),
                partner=SQL("buyer.commercial_partner_id"),
                company=SQL("o.company_id"),
                date=scope.day(SQL("o.date_order")),
                amount=SQL("o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1)"),
                is_order=SQL("true"),
                model="sale.order",
                name=SQL("o.name"),
            ),
            scope.condition(SQL("buyer.commercial_partner_id")),
        )

    def _purchase_source_invoice(self, scope, channel, index):
        """Posted customer invoices that come from no order (direct invoices)."""
        return self._posted_moves("out_invoice", scope, channel, index, is_order=True)

    def _purchase_source_refund(self, scope, channel, index):
        """Posted credit notes, whatever they credit: their (negative) amount
        comes off the revenue."""
        return self._posted_moves("out_refund", scope, channel, index, is_order=False)

    def _posted_moves(self, move_type, scope, channel, index, is_order):
        # amount_untaxed_signed is in the company's currency at the move's rate,
        # and negative for a credit note.
        return SQL(
            """SELECT %s FROM account_move m
                WHERE m.move_type = %s AND m.state = 'posted'
                  AND m.commercial_partner_id IS NOT NULL AND %s AND NOT (%s)""",
            self._purchase_columns(
                channel,
                index,
                doc=SQL("m.id"),
                partner=SQL("m.commercial_partner_id"),
                company=SQL("m.company_id"),
                date=SQL("COALESCE(m.invoice_date, m.date)"),
                amount=SQL("m.amount_untaxed_signed"),
                is_order=SQL("%s", is_order),
                model="account.move",
                name=SQL("m.name"),
            ),
            move_type,
            scope.condition(SQL("m.commercial_partner_id")),
            self._purchase_counted_elsewhere(SQL("m"), move_type),
        )

    def _purchase_counted_elsewhere(self, move, move_type):
        """SQL: the invoice `move` (an alias of account_move) is counted
        through another channel's document. An invoice made from a sale order
        is the order's; a credit note counts whatever it credits. Extended by
        the channels that invoice their own documents (the till)."""
        if move_type != "out_invoice":
            return SQL("false")
        return SQL(
            """EXISTS (SELECT 1 FROM account_move_line l
                         JOIN sale_order_line_invoice_rel r ON r.invoice_line_id = l.id
                        WHERE l.move_id = %s.id)""",
            move,
        )

    # -- the view and its indexes --------------------------------------------

    def init(self):
        self._create_view()

    def _create_view(self):
        # CREATE OR REPLACE, never DROP: the reports' views read this one, and
        # a channel added by another addon only adds rows.
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW retention_purchase AS (%s)", self._purchases_sql())
        )
        # One customer's invoices and credit notes, for an immediate update:
        # Odoo indexes the moves' partner, not their commercial entity.
        create_index(
            self.env.cr,
            "retention_account_move_customer_index",
            "account_move",
            ["commercial_partner_id", "company_id"],
            where="move_type IN ('out_invoice', 'out_refund') AND state = 'posted'",
        )


class PurchaseScope:
    """What a channel's query keeps and how it dates: the customers (all of
    them: None, a list of ids, or an SQL subquery of ids that the caller's
    statement defines), and a timestamp's day (UTC, as the engine counts)."""

    def __init__(self, partners):
        self.partners = partners

    def condition(self, column):
        if self.partners is None:
            return SQL("true")
        if isinstance(self.partners, SQL):
            return SQL("%s IN (%s)", column, self.partners)
        return SQL("%s = ANY(%s)", column, list(self.partners))

    def day(self, column):
        """A UTC timestamp column as its day."""
        return SQL("%s::date", column)
