"""Every shipped language reaches the customer whole: each public page and
each customer e-mail, rendered in English and in the language, must share no
English sentence (names, addresses and links aside). A new string left
untranslated in one .po file fails here, with the page and the words."""

import re
from datetime import date

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import HttpCase, new_test_user, tagged

from .test_cadence import CadenceCase
from .test_feedback_request import CSRF
from .test_walkthrough import PIXEL

# The language of each shipped .po file, with its browser code.
SHIPPED = {"fi_FI": "fi-FI", "uk_UA": "uk-UA", "zh_CN": "zh-CN", "zh_TW": "zh-TW"}
WORD = re.compile(r"[A-Za-z]{3,}")
# What is the same in every language: the product's and the platform's names.
SAME_EVERYWHERE = {"Odoo", "NPS"}


def _texts(markup, scope=None):
    """The visible sentences of a page or an e-mail (text, titles, labels),
    within the elements of `scope` (an XPath) when given."""
    tree = lxml_html.fromstring(markup)
    for junk in tree.xpath("//script | //style"):
        junk.drop_tree()
    roots = tree.xpath(scope) if scope else [tree]
    texts = set()
    for root in roots:
        for node in root.iter():
            pieces = [node.text, node.tail if node is not root else None]
            pieces += [node.get(name) for name in ("title", "alt", "aria-label", "placeholder")]
            for piece in pieces:
                text = " ".join((piece or "").split())
                if text:
                    texts.add(text)
    for title in tree.xpath("//title"):
        texts.add(" ".join(title.text_content().split()))
    return texts


@tagged("post_install", "-at_install")
class TestShippedLanguages(CadenceCase, HttpCase):
    """One customer per language, who gets every e-mail and opens every page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in SHIPPED:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(["retention_loyalty"], list(SHIPPED))
        cls.company = cls.env.company
        cls.company.write(
            {
                "retention_review_url": "https://reviews.example.com/us",
                "retention_privacy_url": "https://example.com/privacy",
            }
        )
        cls.env["ir.config_parameter"].set_param("retention_loyalty.touch_cap_per_week", 9)

    def _customer_in(self, lang):
        name = f"Customer {lang}"
        customer = self._customer(name, user_id=self.rep.id, email=f"{lang}@example.com")
        customer.lang = lang
        return customer

    def _allowed(self, *records):
        """The words of names and addresses, the same in every language."""
        words = set(SAME_EVERYWHERE)
        for record in records:
            for value in (record.name, record.email, getattr(record, "referral_code", None)):
                words |= set(WORD.findall(value or ""))
        company = self.company
        for value in (company.name, company.email, company.website, self.rep.name):
            words |= set(WORD.findall(value or ""))
        return words

    def _assert_no_english(self, what, english, translated, allowed):
        left = set()
        for text in _texts(translated, scope=None) & english:
            if set(WORD.findall(text)) - allowed:
                left.add(text)
        self.assertFalse(left, f"{what}: English left in the page or e-mail")

    # -- the e-mails -------------------------------------------------------------

    def _emails_of(self, lang):
        """{what: body} of every e-mail one customer gets, in `lang`."""
        customer = self._customer_in(lang)
        bodies = {}
        # The member e-mails: welcome to a tier, then "your tier is kept until…".
        welcome = self._on("retention_loyalty.cadence_tier_welcome")
        first = self._sell(customer, 100)
        bodies["tier welcome"] = self._new_mail_to(customer, self._run).body_html
        welcome.active = False
        [request], _skipped = self.env["retention.feedback.request"]._send_to(customer, force=True)
        bodies["feedback request"] = self._mail_of(request).body_html
        rule = self._on("retention_loyalty.cadence_countdown_emails")
        with freeze_time("2030-03-04 09:00:00"):
            order = self._sell(customer, 100)
            order.departure_date = date(2030, 3, 25)
        with freeze_time("2030-03-11 10:00:00"):
            self._run()
        rule.active = False
        bodies["follow-up e-mail"] = self._mail_of(order).body_html
        profile = self.env["retention.profile"]._profiles_of(customer, self.company)
        # Kept in the queue: odoo-bin's test mode sends (and deletes) it at once.
        self.env["retention.referral"].with_context(mail_notify_force_send=False)._create_from_page(
            profile, "Amy Friend", "amy@ex.com", ""
        )
        thanks = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", customer.id)], order="id desc", limit=1
        )
        bodies["referral thanks"] = thanks.body_html
        kept = self._on("retention_loyalty.cadence_tier_kept_notice")
        kept.grace_notice_days = 89  # kept until today + 89: due today
        self.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 90)
        (first | order)._action_cancel()  # below Bronze: kept 90 days
        bodies["tier kept"] = self._new_mail_to(customer, self._run).body_html
        kept.active = False
        self.env["ir.config_parameter"].set_param("retention_loyalty.tier_grace_days", 0)
        return customer, bodies

    def _new_mail_to(self, customer, run):
        """The one e-mail to `customer` that `run()` queues."""
        Mail = self.env["mail.mail"].sudo()
        before = Mail.search([("recipient_ids", "in", customer.ids)])
        run()
        mail = Mail.search([("recipient_ids", "in", customer.ids)]) - before
        self.assertEqual(len(mail), 1, f"one e-mail to {customer.name}")
        return mail

    def _mail_of(self, record):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", record._name), ("res_id", "=", record.id)], limit=1)
        )

    def test_every_customer_email_is_in_the_customers_language(self):
        en_customer, english = self._emails_of("en_US")
        self.assertEqual(
            set(english),
            {
                "feedback request",
                "follow-up e-mail",
                "referral thanks",
                "tier welcome",
                "tier kept",
            },
        )
        english_texts = {what: _texts(body) for what, body in english.items()}
        for lang in SHIPPED:
            customer, bodies = self._emails_of(lang)
            allowed = self._allowed(customer, en_customer)
            for what, body in bodies.items():
                with self.subTest(lang=lang, email=what):
                    self.assertTrue(body, f"{what} sent")
                    self._assert_no_english(f"{lang} {what}", english_texts[what], body, allowed)

    def test_every_customer_email_has_the_companys_look(self):
        """One layout for all: the company's logo and address, the sender's
        signature, 600 px at most (fluid on a phone), absolute links."""
        self.company.write({"logo": PIXEL, "phone": "+358 40 123 4567", "primary_color": "#114488"})
        self.rep.signature = "<p>Rita Rep, your account manager</p>"
        _customer, bodies = self._emails_of("en_US")
        base = self.company.get_base_url()
        for what, body in bodies.items():
            with self.subTest(email=what):
                self.assertIn('class="o_retention_email"', body)
                self.assertIn("max-width: 600px; width: 100%", body)
                # Made absolute as mail.mail sends it.
                sent = self.env["mail.render.mixin"]._replace_local_links(body)
                self.assertIn(f'src="{base}/logo.png?company={self.company.id}"', sent)
                self.assertIn("+358 40 123 4567", body)
                self.assertIn("#114488", body, "the company's colour")
                self.assertNotIn('Arial, sans-serif;">', body)
        for what in ("feedback request", "follow-up e-mail"):
            self.assertIn("Rita Rep, your account manager", bodies[what], what)
            self.assertIn("/retention/unsubscribe/", bodies[what], what)

    # -- the public pages ----------------------------------------------------------

    def _pages_of(self, lang):
        """{what: html} of every public page the customer and their friend
        open, in `lang`: the customer's pages follow their language, the
        friend's the browser's."""
        customer = self._customer_in(lang)
        self._sell(customer, 100)
        profile = self.env["retention.profile"]._profiles_of(customer, self.company)
        pages = {}
        self.opener.cookies.clear()
        headers = {"Accept-Language": SHIPPED.get(lang, "en-US")}
        [request], _skipped = self.env["retention.feedback.request"]._send_to(customer, force=True)
        url = f"/retention/feedback/{request.sudo().access_token}"
        pages["question"] = self.url_open(url, headers=headers).text
        details = self.url_open(f"{url}?score=10", headers=headers).text
        pages["details"] = details
        csrf = CSRF.search(details).group(1)
        pages["thanks"] = self.url_open(
            f"{url}/submit", data={"csrf_token": csrf, "score": "10"}, headers=headers
        ).text
        unsubscribe = self.env["retention.unsubscribe"]._url(customer)
        pages["unsubscribe"] = self.url_open(unsubscribe, headers=headers).text
        referral = f"/retention/referral/{profile.referral_code}"
        form = self.url_open(referral, headers=headers).text
        pages["referral form"] = form
        pages["referral refused"] = self.url_open(
            f"{referral}/submit",
            data={"csrf_token": CSRF.search(form).group(1), "name": "Amy", "email": "amy@ex.com"},
            headers=headers,
        ).text
        pages["referral thanks"] = self.url_open(
            f"{referral}/submit",
            data={
                "csrf_token": CSRF.search(form).group(1),
                "name": "Amy",
                "email": "amy@ex.com",
                "consent": "1",
            },
            headers=headers,
        ).text
        login = f"portal_{lang}"
        portal = new_test_user(self.env, login=login, groups="base.group_portal", lang=lang)
        portal.partner_id.parent_id = customer
        self.authenticate(login, login)
        pages["my loyalty"] = self.url_open("/my/loyalty").text
        self.authenticate(None, None)
        return customer, pages

    # Odoo's own frame (its portal menu, its footer) is Odoo's to translate:
    # only what this addon draws is read.
    SCOPE = (
        "//*[contains(@class, 'o_retention_feedback') or contains(@class, 'o_retention_referral')"
        " or contains(@class, 'o_retention_my_loyalty')]"
    )

    def test_every_public_page_is_in_the_readers_language(self):
        en_customer, english = self._pages_of("en_US")
        english_texts = {what: _texts(page, self.SCOPE) for what, page in english.items()}
        for lang in SHIPPED:
            customer, pages = self._pages_of(lang)
            allowed = self._allowed(customer, en_customer) | {"Amy"}
            for what, page in pages.items():
                with self.subTest(lang=lang, page=what):
                    lang_attr = lxml_html.fromstring(page).get("lang") or ""
                    self.assertEqual(lang_attr, lang.replace("_", "-"), f"{what}: <html lang>")
                    self._assert_no_english(f"{lang} {what}", english_texts[what], page, allowed)
