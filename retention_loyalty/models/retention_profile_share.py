"""What a customer shares and what their friend reads: the referral link
with its Copy, Share and e-mail buttons; the referral page's welcome gift,
privacy notice and consent. One method each, for other addons to extend."""

from urllib.parse import quote

from odoo import api, models


class RetentionProfile(models.Model):
    _inherit = "retention.profile"

    def _referral_url(self):
        self.ensure_one()
        return f"{self.company_id.get_base_url()}/retention/referral/{self.referral_code}"

    def _share_values(self):
        """The customer's link and the words that go with it, in the reader's
        language: for the Copy button, the phone's share sheet and an e-mail."""
        self.ensure_one()
        if not self.referral_code:
            # An unsaved profile (My loyalty, first visit): a button asks for one.
            return {"share_url": False}
        url = self._referral_url()
        company = self.company_id.name
        title = self.env._("A recommendation: %(company)s", company=company)
        text = self.env._(
            "I recommend %(company)s. Leave your name and e-mail on this page and they will "
            "get in touch:",
            company=company,
        )
        return {
            "share_url": url,
            "share_title": title,
            "share_text": text,
            "share_mailto": f"mailto:?subject={quote(title)}&body={quote(f'{text} {url}')}",
        }

    def _referral_page_values(self):
        """What the friend reads beside the form: the welcome gift (none here:
        the loyalty rewards addon names its program's), the consent and the
        company's privacy policy."""
        self.ensure_one()
        return {
            "incentive": False,
            "consent_text": self._referral_consent_text(),
            "privacy_url": self.company_id.retention_privacy_url,
        }

    def _referral_consent_text(self):
        # Stored with the referral as the friend read it: the proof of consent.
        return self.env._(
            "I agree that %(company)s keeps my name and e-mail to contact me about this "
            "recommendation.",
            company=self.company_id.name,
        )

    @api.model
    def _promoter_values(self, partner, company, score):
        """After a 9 or 10 (the promoter threshold): the customer's referral
        link to share and the company's review page, for the thank-you page."""
        _customer_min, promoter_min = self.env["retention.engine"]._score_thresholds()
        if score is None or score < promoter_min:
            return {}
        # Read, never created: a GET (a mail scanner's too) writes nothing.
        profile = self.sudo().search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
            ],
            limit=1,
        )
        return {
            "promoter": True,
            "review_url": company.sudo().retention_review_url,
            **(profile._share_values() if profile else {}),
        }
