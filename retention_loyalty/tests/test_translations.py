from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged

I18N = Path(__file__).resolve().parent.parent / "i18n"
# Odoo's language codes and their .po files (Finnish and Ukrainian by language).
LANGUAGES = {"fi_FI": "fi", "uk_UA": "uk", "zh_CN": "zh_CN", "zh_TW": "zh_TW"}


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Each of our first markets' languages, loaded as Odoo loads it, leaves no
    menu, action or view text of the addon in English."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data = cls.env["ir.model.data"].search([("module", "=", "retention_loyalty")])

        def records(model):
            ids = data.filtered(lambda d: d.model == model).mapped("res_id")
            return cls.env[model].browse(ids).exists()

        cls.menus = records("ir.ui.menu")
        cls.actions = records("ir.actions.act_window")
        cls.views = records("ir.ui.view")

    def _same_in(self, po_name):
        """Texts a translator kept as they are on purpose (NPS, /10, markup)."""
        po = polib.pofile(str(I18N / f"{po_name}.po"))
        return {entry.msgid for entry in po if entry.msgstr == entry.msgid}

    def test_menus_actions_and_views_are_translated(self):
        self.assertTrue(self.menus and self.actions and self.views)
        for code, po_name in LANGUAGES.items():
            with self.subTest(language=code):
                self.env["res.lang"]._activate_lang(code)
                self.env["ir.module.module"]._load_module_terms(["retention_loyalty"], [code])
                same = self._same_in(po_name)
                left = []
                for record, field in [(m, "name") for m in self.menus] + [
                    (a, "name") for a in self.actions
                ]:
                    english = record.with_context(lang="en_US")[field]
                    if english == record.with_context(lang=code)[field] and english not in same:
                        left.append(f"{record._name} {english}")
                for view in self.views:
                    terms = view._fields["arch_db"].get_trans_terms(
                        view.with_context(lang="en_US").arch_db
                    )
                    translated = view._fields["arch_db"].get_trans_terms(
                        view.with_context(lang=code).arch_db
                    )
                    left += [
                        f"{view.xml_id or view.name}: {term!r}"
                        for term, other in zip(terms, translated, strict=True)
                        if term == other and term not in same and any(map(str.isalpha, term))
                    ]
                self.assertFalse(left, f"untranslated in {code}")

    def test_a_rules_name_follows_the_readers_language(self):
        self.env["res.lang"]._activate_lang("fi_FI")
        self.env["ir.module.module"]._load_module_terms(["retention_loyalty"], ["fi_FI"])
        rule = self.env.ref("retention_loyalty.cadence_after_sale_248")
        # Read in English first: the name must not stick for the next language.
        self.assertEqual(rule.with_context(lang="en_US").display_name, "After-sale 2-4-8")
        self.assertEqual(rule.with_context(lang="fi_FI").display_name, "Myynnin jälkeen 2-4-8")
