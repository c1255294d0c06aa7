from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import email_normalize

from .retention_identity import email_key

REFERRAL_STATES = [
    ("invited", "Invited"),
    ("bought", "Bought"),
    ("duplicate", "Referred Before"),
]
# Referral page submissions accepted from one IP address per hour (Settings;
# not one of the engine's SETTINGS: the profile recompute never reads it).
IP_HOUR_LIMIT_PARAM = "retention_loyalty.referral_ip_hour_limit"
IP_HOUR_LIMIT = 5
MAX_NAME_LENGTH = 100
MAX_EMAIL_LENGTH = 254
FIRST_NAME_LENGTH = 30


class RetentionReferral(models.Model):
    """A friend a customer referred through the public referral page (or a
    rep's code on a lead): the lead it created, who the friend became and
    their first order. The first referrer of a friend wins; a later referral
    of the same friend in the same company is kept as "referred before"."""

    _name = "retention.referral"
    _description = "Referral"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "friend_name"

    referrer_id = fields.Many2one(
        "res.partner", "Referrer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", "Salesperson", index="btree_not_null")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    friend_name = fields.Char("Friend", required=True)
    email = fields.Char("Friend's E-mail")
    email_normalized = fields.Char(compute="_compute_email_normalized", store=True, index=True)
    # The mailbox (no +tag, provider dots): what "the same friend" compares.
    email_identity = fields.Char(compute="_compute_email_normalized", store=True, index=True)
    ip_address = fields.Char("IP Address", groups="retention_loyalty.group_retention_manager")
    lead_id = fields.Many2one("crm.lead", "Lead", ondelete="set null", index="btree_not_null")
    # The friend's consent, as the page showed it (GDPR: proof of what was agreed).
    consent_date = fields.Datetime("Consent Given On", readonly=True)
    consent_text = fields.Text("Consent Given", readonly=True)
    referee_id = fields.Many2one(
        "res.partner",
        "Referee",
        compute="_compute_referee_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="The customer the friend became (the lead's customer, or the buyer of the "
        "first order with the friend's e-mail).",
    )
    state = fields.Selection(REFERRAL_STATES, default="invited", required=True, tracking=True)
    sale_order_id = fields.Many2one("sale.order", "First Order", ondelete="set null")
    # The friend's first purchase, whatever its channel (a sale order, a
    # direct invoice, a till order): a document counted by retention.purchase.
    purchase_ref = fields.Reference(
        selection="_selection_purchase_documents", string="First Purchase", readonly=True
    )
    date_bought = fields.Date("First Order Date")
    order_amount = fields.Monetary("First Order Amount", help="Untaxed, in the company's currency.")
    reward_cost = fields.Monetary(
        help="What the rewards of this referral cost (filled by the loyalty rewards addon)."
    )

    @api.depends("email")
    def _compute_email_normalized(self):
        for referral in self:
            referral.email_normalized = email_normalize(referral.email or "") or False
            referral.email_identity = email_key(referral.email)

    @api.depends("lead_id.partner_id")
    def _compute_referee_id(self):
        for referral in self:
            if referral.lead_id.partner_id:
                referral.referee_id = referral.lead_id.partner_id.commercial_partner_id

    @property
    def first_name(self):
        """What the referrer's portal page and e-mails show of the friend: the
        first word (any space, no-break ones too), cut to a name's length."""
        words = (self.friend_name or "").split()
        return words[0][:FIRST_NAME_LENGTH] if words else ""

    def _portal_status(self):
        """The status the referrer reads on their portal page."""
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _thanks_values(self):
        """What the friend's thank-you page shows besides the thanks (the
        rewards addon adds the welcome code)."""
        return {}

    @api.model
    def _ip_hour_limit(self):
        param = self.env["ir.config_parameter"].sudo().get_param(IP_HOUR_LIMIT_PARAM)
        return int(param or IP_HOUR_LIMIT)

    @api.model
    def _count_recent_from(self, ip_address, hours):
        """Referrals sent from this address in the last `hours`."""
        since = fields.Datetime.now() - timedelta(hours=hours)
        return self.sudo().search_count([("ip_address", "=", ip_address), ("date", ">=", since)])

    @api.model
    def _create_from_page(self, profile, friend_name, email, ip_address, consent_text=None):
        """A friend left their name and e-mail on `profile`'s referral page:
        a lead in the profile's company for the referrer's salesperson, with
        the Referral source, the referral record, and a note on the referrer."""
        referrer, company = profile.partner_id, profile.company_id
        Lead = self.env["crm.lead"].sudo().with_company(company)
        salesperson = referrer.user_id.filtered(lambda user: company in user.company_ids)
        lead = Lead.create(
            {
                "name": self.env._("Referral: %(friend)s", friend=friend_name),
                "contact_name": friend_name,
                "email_from": email,
                "company_id": company.id,
                "user_id": salesperson.id,
                "referred_by_id": referrer.id,
                "source_id": self.env.ref("retention_loyalty.utm_source_referral").id,
                # Escaped: a portal user's name is theirs to type (a link, an image).
                "description": Markup("<p>%s</p>")
                % self.env._(
                    "Referred by %(referrer)s through the referral page.",
                    referrer=referrer.display_name,
                ),
            }
        )
        referral = (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "referrer_id": referrer.id,
                    "company_id": company.id,
                    "user_id": salesperson.id,
                    "friend_name": friend_name,
                    "email": email,
                    "ip_address": ip_address,
                    "lead_id": lead.id,
                    "consent_text": consent_text,
                    "consent_date": consent_text and fields.Datetime.now(),
                }
            )
        )
        referrer.sudo().message_post(
            body=self.env._(
                "%(friend)s was referred through the referral page: lead “%(lead)s”.",
                friend=friend_name,
                lead=lead.name,
            ),
            subtype_xmlid="mail.mt_note",
            **referral._sender(),
        )
        referral._thank_referrer()
        return referral.with_env(self.env)

    def _thank_referrer(self):
        """An e-mail to the referrer, in their language, through the mail queue."""
        referrer = self.referrer_id
        if not referrer.email:
            return
        env = self.with_context(lang=referrer.lang or self.env.lang).env
        referrer.sudo().with_env(env).message_post(
            subject=env._("Thank you for your recommendation"),
            body=env._(
                "Thank you for recommending %(company)s to %(friend)s: we will take good "
                "care of them.",
                company=self.company_id.name,
                friend=self.first_name,
            ),
            partner_ids=referrer.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="retention_loyalty.customer_email_layout",
            **self._sender(),
        )

    def _sender(self):
        """Who writes from the public pages: the referral's salesperson, else
        the company (never the public user, who has no address)."""
        self.ensure_one()
        user = self.sudo().user_id
        company = self.sudo().company_id
        author = user.partner_id if user and user.email else company.partner_id
        return {
            "author_id": author.id,
            "email_from": author.email_formatted or company.email_formatted,
        }

    @api.model_create_multi
    def create(self, vals_list):
        referrals = super().create(vals_list)
        referrals._mark_duplicates()
        return referrals

    def _outcome_fields(self):
        """What the referral page and the referral's life write (who referred
        whom, when, in which company; the friend's purchase, the reward):
        nobody sets it by hand, whatever the path (form, import, RPC)."""
        return {
            "referrer_id",
            "friend_name",
            "email",
            "date",
            "company_id",
            "ip_address",
            "consent_date",
            "consent_text",
            "lead_id",
            "state",
            "sale_order_id",
            "purchase_ref",
            "date_bought",
            "order_amount",
            "reward_cost",
        }

    def write(self, vals):
        locked = self._outcome_fields() & vals.keys()
        if not self.env.su and locked:
            raise AccessError(
                self.env._(
                    "%(fields)s of a referral come from the referral page and the friend's "
                    "orders: nobody sets them by hand.",
                    fields=", ".join(
                        sorted(self._fields[name]._description_string(self.env) for name in locked)
                    ),
                )
            )
        return super().write(vals)

    def _mark_duplicates(self):
        """First referrer wins: a friend already referred in the company (same
        e-mail, or already somebody's referral) by another customer."""
        with_email = self.filtered("email_identity")
        if not with_email:
            return
        others = self.search(
            [
                ("company_id", "in", with_email.company_id.ids),
                ("email_identity", "in", with_email.mapped("email_identity")),
                ("state", "!=", "duplicate"),
            ]
        )
        duplicates = with_email.filtered(
            lambda referral: any(
                other != referral
                and other.company_id == referral.company_id
                and other.email_identity == referral.email_identity
                and (other.date, other.id) < (referral.date, referral.id)
                for other in others
            )
        )
        duplicates.sudo().state = "duplicate"

    @api.model
    def _selection_purchase_documents(self):
        """The models whose documents are purchases (retention.purchase's
        channels); a channel's addon adds its own."""
        return [("sale.order", self.env._("Sale Order")), ("account.move", self.env._("Invoice"))]

    def _orders_confirmed(self, orders):
        """Confirmed sale orders: see _purchases_made."""
        return self._purchases_made(orders)

    def _purchases_made(self, documents):
        """The referrals whose friend made these purchases (documents of one
        model counted by retention.purchase: confirmed orders, posted direct
        invoices, paid till orders; found by the customer or the e-mail) are
        bought, with the friend's first purchase. Returns {referral: document}
        of the referrals just bought."""
        purchases = self._purchase_rows(documents)
        documents = documents.filtered(lambda doc: doc.id in purchases)
        if not documents:
            return {}
        commercials = documents.partner_id.commercial_partner_id
        emails = {email_key(email) for email in documents.partner_id.mapped("email")} - {False}
        domain = [
            ("state", "=", "invited"),
            ("company_id", "in", documents.company_id.ids),
            "|",
            ("referee_id", "in", commercials.ids),
            ("email_identity", "in", list(emails)),
        ]
        referrals = self.sudo().search(domain, order="date, id")
        bought = {}
        for document in documents.sorted("id"):
            customer = document.partner_id.commercial_partner_id
            email = email_key(document.partner_id.email)
            for referral in referrals:
                if referral in bought or referral.company_id != document.company_id:
                    continue
                if referral.referee_id == customer or (
                    not referral.referee_id and email and referral.email_identity == email
                ):
                    bought[referral] = document
                    break
        for referral, document in bought.items():
            customer = document.partner_id.commercial_partner_id
            day, amount = purchases[document.id]
            referral.write(
                {
                    "referee_id": customer.id,
                    "state": "bought",
                    "sale_order_id": document.id if document._name == "sale.order" else False,
                    "purchase_ref": f"{document._name},{document.id}",
                    "date_bought": day,
                    "order_amount": amount,
                }
            )
            if not customer.referred_by_id and customer != referral.referrer_id:
                customer.sudo().referred_by_id = referral.referrer_id
        return bought

    def _purchase_rows(self, documents):
        """{document id: (date, untaxed amount in the company's currency)} of
        those documents that are purchases (orders, not credits)."""
        purchases = self.env["retention.purchase"]
        purchases._flush_purchases()
        rows = purchases.sudo().search_read(
            [
                ("res_model", "=", documents._name),
                ("res_id", "in", documents.ids),
                ("is_order", "=", True),
            ],
            ["res_id", "date", "amount"],
        )
        return {row["res_id"]: (row["date"], row["amount"]) for row in rows}

    def _first_purchase_stands(self):
        """The friend's first purchase still counts: not cancelled, not reset
        to draft, and still worth something today, net of the credit notes
        that credit it (an order edited down to 0, or returned in full, earns
        no reward)."""
        self.ensure_one()
        document = self.purchase_ref or self.sale_order_id
        rows = document and self._purchase_rows(document)
        if not rows:
            return False
        _day, amount = rows[document.id]
        return amount + self._credited_amount(document) > 0

    def _credited_amount(self, document):
        """What the posted credit notes of `document` take off (negative, in
        the company's currency, as retention.purchase counts them); a
        channel's addon adds its own refunds."""
        invoices = document if document._name == "account.move" else document.invoice_ids
        if document._name not in ("account.move", "sale.order") or not invoices:
            return 0.0
        credit_notes = (
            self.env["account.move"]
            .sudo()
            .search([("reversed_entry_id", "in", invoices.ids), ("state", "=", "posted")])
        )
        if not credit_notes:
            return 0.0
        rows = (
            self.env["retention.purchase"]
            .sudo()
            .search_read(
                [("res_model", "=", "account.move"), ("res_id", "in", credit_notes.ids)], ["amount"]
            )
        )
        return sum(row["amount"] for row in rows)
