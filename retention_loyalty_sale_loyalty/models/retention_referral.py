import re
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.retention_loyalty.models.retention_identity import email_key, partner_address_key

REWARD_STATES = [
    ("waiting", "Waiting for a Purchase"),
    ("held", "Held for Review"),
    ("pending", "Pending"),
    ("issued", "Issued"),
    ("cancelled", "Cancelled"),
    ("refused", "Refused"),
]
# A phone number is the same when its last digits are (country code or not).
PHONE_DIGITS = 8


def _phone_key(number):
    digits = re.sub(r"\D", "", number or "")
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS else None


class RetentionReferral(models.Model):
    """The referral's rewards through Odoo's loyalty engine: the friend's
    welcome code, and the referrer's reward held after the friend's first
    order, then issued if the order stands, cancelled if not. Every refusal
    keeps its reason for the rep."""

    _inherit = "retention.referral"

    reward_state = fields.Selection(
        REWARD_STATES, default="waiting", required=True, tracking=True, index=True
    )
    reward_reason = fields.Char(
        "Reason", tracking=True, help="Why the reward is held, refused or cancelled."
    )
    is_approved = fields.Boolean("Approved by a Rep", readonly=True, copy=False)
    reward_due_date = fields.Date(
        "Reward Due", help="The reward is issued on this day if the first order still stands."
    )
    reward_date = fields.Date("Rewarded On", readonly=True)
    welcome_card_id = fields.Many2one("loyalty.card", "Welcome Code", readonly=True)
    welcome_code = fields.Char(related="welcome_card_id.code")
    reward_card_id = fields.Many2one("loyalty.card", "Reward", readonly=True)

    # -- settings --------------------------------------------------------------

    @api.model
    def _reward_setting(self, key):
        return self.env["retention.engine"]._setting(key)

    # -- at the referral -------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        referrals = super().create(vals_list)
        referrals._check_at_referral()
        for referral in referrals.filtered(lambda r: r.reward_state == "waiting"):
            referral._issue_welcome_code()
        # E-mailed, never shown: the page must read the same whether the
        # friend's address was known (no code) or not.
        referrals._mail_welcome_code()
        return referrals

    def _outcome_fields(self):
        return super()._outcome_fields() | {
            "reward_state",
            "reward_reason",
            "reward_due_date",
            "reward_date",
            "is_approved",
            "welcome_card_id",
            "reward_card_id",
        }

    def _refuse(self, reason, state="refused"):
        self.sudo().write({"reward_state": state, "reward_reason": reason})

    def _check_at_referral(self):
        """What is known as the friend leaves their e-mail: the referrer's own
        e-mail, another referrer first, too many friends from one address."""
        limit = self._reward_setting("referral_ip_day_limit")
        since = fields.Datetime.now() - timedelta(days=1)
        for referral in self:
            own_emails = {
                email_key(email)
                for email in (referral.referrer_id | referral.referrer_id.child_ids).mapped("email")
            } - {False}
            if referral.email_identity and referral.email_identity in own_emails:
                referral._refuse(self.env._("The friend's e-mail is the referrer's own."))
            elif referral.state == "duplicate":
                referral._refuse(self.env._("Another customer referred this friend first."))
            elif referral.sudo().ip_address:
                friends = self.sudo().search(
                    [("ip_address", "=", referral.sudo().ip_address), ("date", ">=", since)]
                )
                if len(set(friends.mapped("email_identity"))) > limit:
                    referral._refuse(
                        self.env._(
                            "More than %(limit)s friends referred from one IP address in a "
                            "day: a rep must approve the reward.",
                            limit=limit,
                        ),
                        state="held",
                    )

    def _issue_welcome_code(self):
        """The friend's welcome code, from the company's welcome program."""
        self.ensure_one()
        program = self.company_id.retention_referral_welcome_program_id
        if not program or self.welcome_card_id:
            return
        card = (
            self.env["loyalty.card"]
            .sudo()
            .create({"program_id": program.id, "points": _reward_points(program)})
        )
        self.sudo().welcome_card_id = card

    def _mail_welcome_code(self):
        """E-mail the friend their welcome code, in the lead's language."""
        mails = []
        for referral in self.sudo().filtered(lambda r: r.welcome_card_id and r.email):
            company = referral.company_id
            lang = referral.lead_id.lang_id.code or company.partner_id.lang or self.env.lang
            env = referral.with_context(lang=lang).env
            mails.append(
                {
                    "subject": env._("%(company)s: your welcome code", company=company.name),
                    "body_html": env["retention.customer.email"]._wrap(
                        Markup("<p>%s</p><p><b>%s</b></p>")
                        % (
                            env._(
                                "%(referrer)s recommended us to you. Here is your welcome code "
                                "for your first order (%(program)s):",
                                referrer=referral.referrer_id.name,
                                program=referral.welcome_card_id.program_id.name,
                            ),
                            referral.welcome_card_id.code,
                        ),
                        company,
                        referral.user_id,
                    ),
                    "email_to": referral.email,
                    "email_from": company.email_formatted,
                    "auto_delete": True,
                }
            )
        if mails:
            self.env["mail.mail"].sudo().create(mails)

    def _thanks_values(self):
        values = super()._thanks_values()
        program = self.sudo().company_id.retention_referral_welcome_program_id
        if program:
            values["welcome_program"] = program.name
        return values

    def _portal_status(self):
        if self.reward_state == "issued":
            return self.env._("Rewarded")
        return super()._portal_status()

    # -- at the friend's first purchase (any channel) --------------------------

    def _purchases_made(self, documents):
        bought = super()._purchases_made(documents)
        hold_days = self._reward_setting("referral_hold_days")
        today = fields.Date.context_today(self)
        for referral, order in bought.items():
            if referral.reward_state in ("refused", "cancelled"):
                continue
            reason = referral._fraud_reason(order)
            if reason:
                referral._refuse(reason)
            elif referral.reward_state != "held":
                referral.sudo().write(
                    {
                        "reward_state": "pending",
                        "reward_reason": False,
                        "reward_due_date": today + timedelta(days=hold_days),
                    }
                )
        return bought

    # Fraud rules checked at the friend's first order, in this order; another
    # addon adds one by adding a `_fraud_<rule>(order, referrer, ours, theirs)`
    # method and its name here.
    def _fraud_rules(self):
        """The fraud checks, in order: each is a `_fraud_<name>(order,
        referrer, ours, theirs)` method returning the reason a rep reads, or
        None. An addon adds one by extending this list with super()."""
        return ["referrer", "commercial", "email", "phone", "address", "first_purchase"]

    def _fraud_reason(self, order):
        """Why this first order earns no reward, or None."""
        self.ensure_one()
        referrer = self.referrer_id.commercial_partner_id
        referee = order.partner_id.commercial_partner_id
        theirs = referrer | referrer.child_ids
        # The order's delivery and invoice addresses count as the friend's too.
        ours = order.partner_id | referee | referee.child_ids
        for address in ("partner_shipping_id", "partner_invoice_id"):  # an order's, an invoice's
            if address in order._fields:
                ours |= order[address]
        for rule in self._fraud_rules():
            reason = getattr(self, f"_fraud_{rule}")(order, referrer, ours, theirs)
            if reason:
                return reason
        return None

    def _fraud_referrer(self, order, referrer, ours, theirs):
        if order.partner_id == referrer:
            return self.env._("The friend is the referrer.")
        return None

    def _fraud_commercial(self, order, referrer, ours, theirs):
        if order.partner_id.commercial_partner_id == referrer:
            return self.env._("The friend belongs to the referrer's company.")
        return None

    def _fraud_email(self, order, referrer, ours, theirs):
        def emails(partners):
            return {email_key(p.email) for p in partners} - {False}

        if emails(ours) & emails(theirs):
            return self.env._("The friend shares the referrer's e-mail address.")
        return None

    def _fraud_phone(self, order, referrer, ours, theirs):
        def phones(partners):
            return {_phone_key(n) for p in partners for n in (p.phone, p.mobile)} - {None}

        if phones(ours) & phones(theirs):
            return self.env._("The friend shares the referrer's phone number.")
        return None

    def _fraud_address(self, order, referrer, ours, theirs):
        def addresses(partners):
            return {partner_address_key(p) for p in partners} - {None}

        if addresses(ours) & addresses(theirs):
            return self.env._("The friend shares the referrer's address.")
        return None

    def _fraud_first_purchase(self, order, referrer, ours, theirs):
        # Any channel: an order, a direct invoice, a till sale before this one.
        self.env["retention.purchase"]._flush_purchases()
        earlier = (
            self.env["retention.purchase"]
            .sudo()
            .search_count(
                [
                    ("partner_id", "=", order.partner_id.commercial_partner_id.id),
                    ("company_id", "=", order.company_id.id),
                    ("is_order", "=", True),
                    "|",
                    ("res_model", "!=", order._name),
                    ("res_id", "!=", order.id),
                ],
                limit=1,
            )
        )
        if earlier:
            return self.env._("Not the friend's first purchase: they were already a customer.")
        return None

    # -- a rep's review -------------------------------------------------------

    def action_approve(self):
        """A held referral goes on: its reward waits for, or now holds after,
        the friend's first order."""
        # Reps approve through this button (their companies' referrals only);
        # the fields it sets are nobody's to write by hand.
        self.check_access("write")
        hold_days = self._reward_setting("referral_hold_days")
        today = fields.Date.context_today(self)
        for referral in self.filtered(lambda r: r.reward_state == "held"):
            vals = {"is_approved": True, "reward_reason": False, "reward_state": "waiting"}
            if referral.state == "bought":
                vals.update(
                    reward_state="pending", reward_due_date=today + timedelta(days=hold_days)
                )
            referral.sudo().write(vals)
            referral._issue_welcome_code()
            # Held on the page, which showed no code: it goes by e-mail.
            referral._mail_welcome_code()

    def action_refuse(self):
        self.check_access("write")
        for referral in self.filtered(lambda r: r.reward_state in ("held", "pending", "waiting")):
            referral._refuse(self.env._("Refused by %(user)s.", user=self.env.user.name))

    # -- after the hold -------------------------------------------------------

    @api.model
    def _cron_issue_rewards(self):
        """Rewards whose hold is over: issued if the first order still stands,
        cancelled if not; within the referrer's yearly cap."""
        today = fields.Date.context_today(self)
        due = self.sudo().search(
            [("reward_state", "=", "pending"), ("reward_due_date", "<=", today)], order="id"
        )
        cap = self._reward_setting("referral_yearly_cap")
        for referral in due:
            if not referral._first_purchase_stands():
                referral._refuse(
                    self.env._("The friend's first order was cancelled or refunded."), "cancelled"
                )
                continue
            issued = self.sudo().search_count(
                [
                    ("referrer_id", "=", referral.referrer_id.id),
                    ("company_id", "=", referral.company_id.id),
                    ("reward_state", "=", "issued"),
                    ("reward_date", ">", today - timedelta(days=365)),
                ]
            )
            if issued >= cap:
                referral._refuse(
                    self.env._("The referrer already received %(cap)s rewards this year.", cap=cap)
                )
                continue
            referral._issue_reward()

    def _reward_holder(self):
        """Who holds the reward card: the contact of the referrer's portal user
        (Odoo's portal shows a user the cards of their own partner), or the
        referrer's commercial entity."""
        referrer = self.referrer_id.commercial_partner_id
        user = (
            self.env["res.users"]
            .sudo()
            .search([("partner_id", "child_of", referrer.id), ("share", "=", True)], limit=1)
        )
        return user.partner_id or referrer

    def _issue_reward(self):
        self.ensure_one()
        program = self.company_id.retention_referral_reward_program_id
        if not program:
            self.sudo().reward_reason = self.env._("No reward program is set in Settings.")
            return
        points = self.company_id.retention_referral_reward_points or _reward_points(program)
        card = (
            self.env["loyalty.card"]
            .sudo()
            .create(
                {
                    "program_id": program.id,
                    "partner_id": self._reward_holder().id,
                    "points": points,
                }
            )
        )
        self.write(
            {
                "reward_state": "issued",
                "reward_reason": False,
                "reward_card_id": card.id,
                "reward_date": fields.Date.context_today(self),
                "reward_cost": _reward_cost(program, points, self.order_amount),
            }
        )
        self.referrer_id.sudo().message_post(
            body=self.env._(
                "Referral reward issued for %(friend)s: %(program)s, code %(code)s.",
                friend=self.first_name,
                program=program.name,
                code=card.code,
            ),
            subtype_xmlid="mail.mt_note",
        )


def _reward_points(program):
    """The points one reward of the program needs (1 for a plain coupon)."""
    return max(program.reward_ids.mapped("required_points") or [1.0])


def _reward_cost(program, points, order_amount):
    """What the reward is worth in the company's currency, as far as known
    before it is used: e-wallet credit, a fixed discount, or a percentage
    of the first order."""
    if program.program_type in ("ewallet", "gift_card"):
        return points
    reward = program.reward_ids[:1]
    if reward.reward_type != "discount":
        return reward.reward_product_id.lst_price if reward.reward_product_id else 0.0
    if reward.discount_mode == "per_order":
        return reward.discount
    if reward.discount_mode == "per_point":
        return reward.discount * points
    return order_amount * reward.discount / 100
