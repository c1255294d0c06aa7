"""The one-click unsubscribe of every customer e-mail: signed for the
partner and the address, RFC 8058 headers, and a way back."""

from odoo import tools
from odoo.tests import HttpCase, tagged

from .test_feedback_request import CSRF


@tagged("post_install", "-at_install")
class TestUnsubscribe(HttpCase):
    def test_one_click_unsubscribe_blacklists_the_address_and_a_forged_link_gets_404(self):
        customer = self.env["res.partner"].create(
            {"name": "Leaving", "email": "leaving@example.com"}
        )
        url = self.env["retention.unsubscribe"]._url(customer)
        path = url[url.index("/retention/") :]
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Unsubscribe", page.text)
        # Its own title, the page's language, and whose e-mails these are.
        self.assertIn("<title>Unsubscribe", page.text)
        self.assertIn('<html lang="en-US"', page.text)
        self.assertIn(self.env.company.name, page.text)
        token = path.split("/")[4].split("?")[0]
        self.assertEqual(self.url_open(path.replace(token, "x" + token[1:])).status_code, 404)
        self.assertEqual(
            self.url_open(path.replace("leaving%40", "other%40")).status_code,
            404,
            "the address is signed too",
        )
        # What a mail client posts for List-Unsubscribe-Post (RFC 8058).
        done = self.url_open(path, data={"List-Unsubscribe": "One-Click"})
        self.assertEqual(done.status_code, 200)
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", "leaving@example.com")]))
        self.assertTrue(customer.is_blacklisted)

    def test_an_old_link_unsubscribes_the_address_it_was_sent_to_only(self):
        customer = self.env["res.partner"].create(
            {"name": "Mover", "email": "mover-old@example.com"}
        )
        url = self.env["retention.unsubscribe"]._url(customer)
        customer.email = "someone-else@example.com"  # a portal user changes their address
        path = url[url.index("/retention/") :]
        self.assertIn("mover-old@example.com", self.url_open(path).text)
        self.url_open(path, data={"List-Unsubscribe": "One-Click"})
        blacklisted = self.env["mail.blacklist"].search([]).mapped("email")
        self.assertIn("mover-old@example.com", blacklisted)
        self.assertNotIn("someone-else@example.com", blacklisted)
        self.assertFalse(customer.is_blacklisted)

    def test_a_link_of_before_addresses_were_signed_says_it_is_out_of_date(self):
        customer = self.env["res.partner"].create({"name": "Old link", "email": "old@example.com"})
        legacy = tools.hmac(self.env(su=True), "retention-unsubscribe", customer.id)
        path = f"/retention/unsubscribe/{customer.id}/{legacy}"
        page = self.url_open(path)
        self.assertEqual(page.status_code, 410)
        self.assertIn("out of date", page.text)
        posted = self.url_open(path, data={"List-Unsubscribe": "One-Click"})
        self.assertEqual(posted.status_code, 410)
        self.assertFalse(customer.is_blacklisted, "it might not be their address any more")

    def test_a_customer_who_unsubscribed_by_mistake_subscribes_again(self):
        customer = self.env["res.partner"].create({"name": "Undo", "email": "undo@example.com"})
        url = self.env["retention.unsubscribe"]._url(customer)
        path = url[url.index("/retention/") :]
        done = self.url_open(path, data={"List-Unsubscribe": "One-Click"})
        self.assertTrue(customer.is_blacklisted)
        self.assertIn("Subscribe again", done.text)
        # The page's link, opened again later, offers the way back too.
        page = self.url_open(path)
        self.assertIn("You are unsubscribed", page.text)
        action = page.text.split('action="')[-1].split('"')[0].replace("&amp;", "&")
        self.assertIn("/resubscribe?email=undo%40example.com", action)
        forged = action.replace("undo%40", "else%40")
        csrf = CSRF.search(page.text).group(1)
        self.assertEqual(self.url_open(forged, data={"csrf_token": csrf}).status_code, 404)
        self.assertTrue(customer.is_blacklisted, "a forged link changes nothing")
        back = self.url_open(action, data={"csrf_token": csrf})
        self.assertEqual(back.status_code, 200)
        self.assertIn("Welcome back", back.text)
        customer.invalidate_recordset(["is_blacklisted"])
        self.assertFalse(customer.is_blacklisted)
