"""The addon's HOOT unit tests (static/tests/views/), run in headless
Chromium as Odoo runs its own: the NPS graph view and the health gauge."""

from odoo.tests import HttpCase, tagged


def hoot_id(name):
    """HOOT's id of a suite (its filter in the URL)."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


def hoot_errors(message):
    return "[HOOT]" not in message


@tagged("post_install", "-at_install")
class TestJsUnits(HttpCase):
    def test_hoot_views(self):
        suite = hoot_id("@retention_loyalty")
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={suite}",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=hoot_errors,
        )
