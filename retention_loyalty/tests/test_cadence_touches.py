"""Customer-facing steps: e-mails and texts to the customer, within the weekly
limit, stopped by a reply, never to an address that unsubscribed."""

from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .smtp_sink import SmtpSink
from .test_cadence import DETRACTOR, CadenceCase

COUNTDOWN = "retention_loyalty.cadence_countdown_emails"


@tagged("post_install", "-at_install")
class TestCustomerTouches(CadenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fi_FI")
        cls.env["ir.module.module"]._load_module_terms(["retention_loyalty"], ["fi_FI"])
        cls.env["ir.config_parameter"].set_param("retention_loyalty.touch_cap_per_week", 2)

    def _mails(self, record):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", record._name), ("res_id", "=", record.id)], order="id")
        )

    def _followups(self, rule):
        return self.env["retention.followup"].search([("cadence_id", "=", rule.id)], order="id")

    def _booking(self, name, lang="en_US"):
        customer = self._customer(name, user_id=self.rep.id, email=f"{name[:5]}@example.com")
        customer.lang = lang
        with freeze_time("2030-03-04 09:00:00"):  # a Monday
            order = self._sell(customer, 100)
            order.departure_date = date(2030, 3, 25)
        return customer, order

    def test_a_weekly_countdown_e_mails_the_customer_in_their_language(self):
        rule = self._on(COUNTDOWN)
        customer, order = self._booking("Matkailija", lang="fi_FI")
        with freeze_time("2030-03-10 10:00:00"):
            lines, _total, kinds = rule._preview_rows()
            # The subject the customer reads, in their language, and to whom.
            line = next(line for line in lines if line[1] == customer.display_name)
            self.assertTrue(line[2].startswith("E-mail: "), line)
            self.assertIn("tarkistuslista", line[2])
            self.assertEqual(line[3], f"to {customer.display_name}")
            self.assertEqual(kinds, {"activity": 0, "email": 2, "sms": 0})  # 03-11 and 03-18
            self._run()
            self.assertFalse(self._mails(order), "nothing before its day")
        with freeze_time("2030-03-11 10:00:00"):
            self._run()
            [first] = self._mails(order)
            self.assertIn("tarkistuslista", first.subject)
            self.assertIn(customer, first.recipient_ids)
            self.assertIn("List-Unsubscribe-Post", first.headers)
            self.assertIn("/retention/unsubscribe/", first.body_html)
            self._run()
            self.assertEqual(len(self._mails(order)), 1, "each e-mail once")
        with freeze_time("2030-03-18 10:00:00"):
            self._run()
            self.assertEqual(len(self._mails(order)), 2)
        self.assertEqual(self._followups(rule).mapped("state"), ["sent", "sent"])

    def test_a_reply_through_the_mail_gateway_stops_the_rest(self):
        rule = self._on(COUNTDOWN)
        customer, order = self._booking("Replier")
        with freeze_time("2030-03-11 10:00:00"):
            self._run()
            [sent] = self._followups(rule)
        with freeze_time("2030-03-12 10:00:00"):
            message_id = sent.mail_message_id.message_id
            self.env["mail.thread"].message_process(
                False,
                f"From: Replier <{customer.email}>\r\n"
                "To: sales@example.com\r\n"
                "Subject: Re: your checklist\r\n"
                "Message-Id: <reply-to-countdown@example.com>\r\n"
                f"In-Reply-To: {message_id}\r\n"
                f"References: {message_id}\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                "All set, thank you!\r\n",
            )
            self.assertIn("All set", order.message_ids[0].body)
        with freeze_time("2030-03-18 10:00:00"):
            self._run()
        self.assertEqual(len(self._mails(order)), 1, "no second e-mail")
        stopped = self._followups(rule)[1]
        self.assertEqual(stopped.state, "stopped")
        self.assertIn("replied", stopped.reason)

    def _reply(self, customer, message_id):
        """The customer's mail client answering the e-mail, as raw MIME."""
        return self.env["mail.thread"].message_process(
            False,
            f"From: {customer.name} <{customer.email}>\r\n"
            "To: sales@example.com\r\n"
            "Subject: Re: your checklist\r\n"
            f"Message-Id: <reply-{customer.id}@example.com>\r\n"
            f"In-Reply-To: {message_id}\r\n"
            f"References: {message_id}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "All set, thank you!\r\n",
        )

    def test_a_reply_to_the_sent_e_mail_finds_its_order_and_stops_the_rest(self):
        rule = self._on(COUNTDOWN)
        domain = self.env["mail.alias.domain"].create({"name": "shop.example.com"})
        with SmtpSink() as sink:
            sink.mail_server(self.env)
            for alias_domain in (domain, False):
                with self.subTest(alias_domain=bool(alias_domain)):
                    self.env.company.alias_domain_id = alias_domain
                    customer, order = self._booking("Aliased" if alias_domain else "Unaliased")
                    with freeze_time("2030-03-11 10:00:00"):
                        self._run()
                        sent = self._followups(rule).filtered(lambda f, o=order: f.res_id == o.id)
                        # The mail queue sends it through SMTP, then deletes the outgoing mail.
                        with sink.sending():
                            self.env["mail.mail"].sudo().process_email_queue()
                        self.assertFalse(self._mails(order).exists())
                    [email] = [e for e in sink.emails() if customer.email_normalized in e["To"]]
                    self.assertIn("List-Unsubscribe", email)
                    message = sent.mail_message_id
                    self.assertTrue(message.exists(), "the ledger keeps the e-mail it sent")
                    self.assertIn(message, order.message_ids, "the order's chatter shows it")
                    self.assertEqual(message.notification_ids.notification_status, "sent")
                    with freeze_time("2030-03-12 10:00:00"):
                        # The customer's mail client answers what it received.
                        self._reply(customer, email["Message-Id"])
                    self.assertIn("All set", order.message_ids[0].body)
                    with freeze_time("2030-03-18 10:00:00"):
                        self._run()
                    stopped = self._followups(rule).filtered(lambda f, o=order: f.res_id == o.id)[1]
                    self.assertEqual(stopped.state, "stopped")
                    self.assertIn("replied", stopped.reason)
        # Without an alias domain, the rule says where replies go.
        rule.invalidate_recordset(["reply_warning"])
        self.assertIn("has no alias domain", rule.reply_warning)
        settings = self.env["res.config.settings"].create({})
        self.assertIn(rule.display_name, settings.retention_reply_warning)
        self.env.company.alias_domain_id = domain
        rule.invalidate_recordset(["reply_warning"])
        self.assertFalse(rule.reply_warning)

    def test_an_e_mail_step_previews_its_message_with_odoos_template_preview(self):
        rule = self._on(COUNTDOWN)
        step = rule.template_ids.filtered("retention_mail_template_id")[:1]
        action = step.action_preview_retention_email()
        self.assertEqual(action["res_model"], "mail.template.preview")
        preview = (
            self.env["mail.template.preview"]
            .with_context(**action["context"])
            .create({"lang": "fi_FI"})
        )
        _customer, order = self._booking("Esikatselu", lang="fi_FI")
        preview.resource_ref = order
        self.assertIn("tarkistuslista", preview.subject, "a sample customer's e-mail, in Finnish")

    def test_a_meeting_booked_or_a_chosen_activity_done_stops_the_rest(self):
        rule = self._on(COUNTDOWN)
        onboarding = self.env.ref("mail.mail_activity_data_call")
        rule.exit_activity_type_id = onboarding
        customer, order = self._booking("Meeting")
        _other, other_order = self._booking("Called")
        with freeze_time("2030-03-11 10:00:00"):
            self._run()
        with freeze_time("2030-03-12 10:00:00"):
            self.env["calendar.event"].create(
                {
                    "name": "Trip briefing",
                    "start": "2030-03-14 09:00:00",
                    "stop": "2030-03-14 10:00:00",
                    "partner_ids": [Command.link(customer.id)],
                }
            )
            other_order.activity_schedule(activity_type_id=onboarding.id).action_feedback(
                feedback="Called, all clear"
            )
        with freeze_time("2030-03-18 10:00:00"):
            self._run()
        reasons = {f.res_id: f.reason for f in self._followups(rule) if f.state == "stopped"}
        self.assertIn("meeting", reasons[order.id])
        self.assertIn(onboarding.name, reasons[other_order.id])
        self.assertEqual(len(self._mails(order)) + len(self._mails(other_order)), 2)

    def test_the_weekly_limit_holds_a_message_back_until_its_next_slot(self):
        self.env["ir.config_parameter"].set_param("retention_loyalty.touch_cap_per_week", 1)
        rule = self._on(COUNTDOWN)
        customer, order = self._booking("Busy customer")
        with freeze_time("2030-03-08 10:00:00"):
            self.env["retention.feedback.request"]._send_to(customer, force=True)
        with freeze_time("2030-03-11 10:00:00"):
            self._run()
            [held] = self._followups(rule)
            self.assertEqual(held.state, "held")
            self.assertEqual(held.date_deadline, date(2030, 3, 15), "a week after the request")
            self.assertEqual(
                held.reason, "Held back: weekly message limit reached (1); goes out on 03/15/2030."
            )
            # Facts are stored, words rendered: a Finnish rep reads Finnish.
            self.assertEqual((held.reason_code, held.reason_count), ("weekly_cap", 1))
            self.assertIn("Pidätetty: viikon viestiraja", held.with_context(lang="fi_FI").reason)
            self.assertFalse(self._mails(order))
        with freeze_time("2030-03-15 10:00:00"):
            self._run()
            self.assertEqual(held.state, "sent")
            self.assertEqual(len(self._mails(order)), 1)

    def test_an_address_on_the_blacklist_gets_nothing_and_the_follow_up_says_why(self):
        rule = self._on(COUNTDOWN)
        customer, order = self._booking("Opted out")
        self.env["mail.blacklist"]._add(customer.email)
        with freeze_time("2030-03-11 10:00:00"):
            self._run()
        [skipped] = self._followups(rule)
        self.assertEqual(skipped.state, "skipped")
        self.assertIn("unsubscribed", skipped.reason)
        self.assertFalse(self._mails(order))

    @freeze_time("2030-03-04 10:00:00")
    def test_a_text_step_queues_an_sms(self):
        template = self.env["sms.template"].create(
            {
                "name": "Sorry",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "body": "{{ object.name }}, we are sorry: we will call you today.",
            }
        )
        rule = self._on(DETRACTOR)
        rule.write(
            {
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.call.id,
                            "summary": "Text the customer",
                            "retention_action": "sms_customer",
                            "retention_sms_template_id": template.id,
                            "delay_count": 0,
                            "delay_from": "after_plan_date",
                        }
                    )
                ]
            }
        )
        customer = self._customer("Texted", user_id=self.rep.id, mobile="+32 470 12 34 56")
        self.env["retention.feedback"].create(
            {"partner_id": customer.id, "score": 2, "date": fields.Date.today()}
        )
        self._run()
        sms = self.env["sms.sms"].sudo().search([("partner_id", "=", customer.id)])
        self.assertEqual(sms.number, customer.phone_sanitized)
        self.assertEqual(sms.body, "Texted, we are sorry: we will call you today.")
        self.assertEqual(sms.state, "outgoing")


@tagged("post_install", "-at_install")
class TestCustomerTouchesHold(CadenceCase):
    """What a review found: held messages, gone documents, rights around the rules."""

    def _booking(self, name):
        customer = self._customer(name, user_id=self.rep.id, email=f"{name[:6]}@example.com")
        with freeze_time("2030-03-04 09:00:00"):
            order = self._sell(customer, 100)
            order.departure_date = date(2030, 3, 25)
        return customer, order

    def _hold_everything(self):
        self.env["ir.config_parameter"].set_param("retention_loyalty.touch_cap_per_week", 1)

    def test_a_held_message_is_cancelled_with_its_order_and_stopped_by_a_reply(self):
        self._hold_everything()
        rule = self._on(COUNTDOWN)
        cancelled_customer, cancelled = self._booking("Cancels")
        replying, order = self._booking("Answers")
        with freeze_time("2030-03-08 10:00:00"):
            for customer in (cancelled_customer, replying):
                self.env["retention.feedback.request"]._send_to(customer, force=True)
        with freeze_time("2030-03-11 10:00:00"):
            self._run()
        followups = self.env["retention.followup"].search([("cadence_id", "=", rule.id)])
        self.assertEqual(set(followups.mapped("state")), {"held"})
        cancelled._action_cancel()
        with freeze_time("2030-03-12 10:00:00"):
            order.message_post(
                author_id=replying.id, message_type="email", body="We are all set, thanks"
            )
        with freeze_time("2030-03-15 10:00:00"):
            self._run()
        states = {f.res_id: (f.state, f.reason) for f in followups}
        self.assertEqual(states[cancelled.id][0], "cancelled")
        self.assertEqual(states[order.id][0], "stopped")
        self.assertIn("replied", states[order.id][1])
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "sale.order"), ("res_id", "in", [cancelled.id, order.id])])
        )

    def test_a_deleted_document_does_not_block_its_rule(self):
        self._hold_everything()
        rule = self._on(COUNTDOWN)
        _gone_customer, gone = self._booking("Deleted")
        kept_customer, kept = self._booking("Kept")
        with freeze_time("2030-03-08 10:00:00"):
            self.env["retention.feedback.request"]._send_to(_gone_customer, force=True)
        with freeze_time("2030-03-11 10:00:00"):
            self._run()
        gone._action_cancel()
        gone.unlink()
        with freeze_time("2030-03-18 10:00:00"):
            self._run()  # raises nothing: the rule goes on
        self.assertEqual(
            len(
                self.env["mail.mail"]
                .sudo()
                .search([("model", "=", "sale.order"), ("res_id", "=", kept.id)])
            ),
            2,
        )
        self.assertTrue(kept_customer)
        self.assertTrue(rule.active)

    def test_feedback_requests_respect_the_unsubscribe(self):
        customer = self._customer("Unsubscribed", email="gone@example.com")
        self.env["mail.blacklist"]._add("gone@example.com")
        sent, skipped = self.env["retention.feedback.request"]._send_to(customer, force=True)
        self.assertFalse(sent)
        self.assertEqual(skipped, customer)
        self.assertIn(
            "unsubscribed", self.env["retention.feedback.request"]._skip_reasons(customer)[0]
        )

    def test_only_retention_admins_edit_a_rule_s_plan_and_steps(self):
        rule = self.env.ref("retention_loyalty.cadence_after_sale_248")
        manager = self.env["res.users"].create(
            {
                "name": "Sales manager",
                "login": "touch_sales_manager",
                "groups_id": [Command.set([self.env.ref("sales_team.group_sale_manager").id])],
            }
        )
        with self.assertRaises(AccessError):
            rule.template_ids[:1].with_user(manager).write({"delay_count": 0})
        with self.assertRaises(AccessError):
            rule.plan_id.with_user(manager).write({"name": "Taken over"})
        with self.assertRaises(AccessError):
            rule.template_ids[:1].with_user(manager).unlink()

    def test_a_rule_of_every_company_needs_a_user_of_every_company(self):
        other = self.env["res.company"].create({"name": "Touch Other Company"})
        admin = self.env["res.users"].create(
            {
                "name": "Admin of one company",
                "login": "touch_admin_one",
                "company_id": self.env.company.id,
                "company_ids": [Command.set(self.env.company.ids)],
                "groups_id": [
                    Command.set([self.env.ref("retention_loyalty.group_retention_manager").id])
                ],
            }
        )
        rule = self.env["retention.cadence"].create(
            {"title": "Mine", "trigger": "sale_confirmed", "company_id": self.env.company.id}
        )
        with self.assertRaises(AccessError):
            rule.with_user(admin).write({"company_id": False})
        self.assertTrue(other)
        copy = rule.with_user(admin).copy()
        self.assertIn("(copy)", copy.title)

    def test_numbers_out_of_range_are_refused_at_save(self):
        rule = self.env.ref("retention_loyalty.cadence_after_sale_248")
        with self.assertRaises(ValidationError):
            rule.template_ids[:1].delay_count = 2000000000


@tagged("post_install", "-at_install")
class TestCustomerEmailBatch(CadenceCase):
    def test_a_batch_of_e_mails_compiles_its_template_once(self):
        # Odoo compiles a template's QWeb body again for each record; a batch
        # of cadence e-mails keeps the compiled body, one per language
        # (models/ir_qweb.py).
        self.env["res.lang"]._activate_lang("fi_FI")
        orders = []
        for name, lang in (("Alpha Ltd", "en_US"), ("Beta Oy", "fi_FI"), ("Gamma Ltd", "en_US")):
            customer = self._customer(name, email=f"{name[:4]}@example.com", lang=lang)
            order = self._sell(customer, 100)
            order.departure_date = date(2030, 3, 25)
            orders.append(order)
        template = self.env.ref("retention_loyalty.mail_template_countdown").sudo()
        ids = [order.id for order in orders]
        fields_ = ("subject", "body_html", "lang")
        memo = {}
        batched = template.with_context(retention_qweb_memo=memo)._generate_template(ids, fields_)
        self.assertEqual(len(memo), 2, "one compilation per language, not per e-mail")
        self.assertEqual(batched, template._generate_template(ids, fields_))
        self.assertIn("Alpha Ltd", str(batched[ids[0]]["body_html"]))
        self.assertIn("Beta Oy", str(batched[ids[1]]["body_html"]))
