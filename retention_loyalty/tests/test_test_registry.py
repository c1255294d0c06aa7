from pathlib import Path

from odoo.tests import TransactionCase, tagged

REPOSITORY = Path(__file__).resolve().parents[2]


@tagged("post_install", "-at_install")
class TestTestRegistry(TransactionCase):
    """Odoo's runner (odoo-bin --test-enable, OCA's CI, odoo.sh) runs only the
    test modules a tests/__init__.py imports; pytest finds files by name. Every
    addon of the repository registers every test_*.py it has."""

    def test_every_test_module_is_imported(self):
        inits = sorted(REPOSITORY.glob("retention_loyalty*/tests/__init__.py"))
        self.assertTrue(inits)
        missing = []
        for init in inits:
            text = init.read_text()
            for module in sorted(init.parent.glob("test_*.py")):
                if f"from . import {module.stem}\n" not in text + "\n":
                    missing.append(f"{init.parent.relative_to(REPOSITORY)}/{module.name}")
        self.assertFalse(missing, "not imported by their tests/__init__.py")
