"""Take the Apps page screenshots (static/description/*.png) from a running
Odoo with the demo data, through headless Chromium's DevTools protocol; run by
`make screenshots` (tools/screenshots.sh), which starts that Odoo.

    python tools/screenshots.py BASE_URL FEEDBACK_PATH CUSTOMER_ID CADENCE_ID [REFERRAL_CODE]

With a referral code, also the referral page and the portal's My loyalty (as
the demo portal user, login and password "portal") on a phone.
"""

import base64
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

OUT = Path(__file__).resolve().parent.parent / "retention_loyalty" / "static" / "description"
DESKTOP = (1400, 900, 1, False)
PHONE = (390, 844, 2, True)


class Browser:
    def __init__(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={tempfile.mkdtemp()}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as answer:
                    tabs = json.load(answer)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("chromium did not start (is Debian's `chromium` installed?)")
        page = next(tab for tab in tabs if tab["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.sent = 0
        self.call("Page.enable")

    def call(self, method, **params):
        self.sent += 1
        self.socket.send(json.dumps({"id": self.sent, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.sent:
                return message.get("result", {})

    def js(self, expression):
        return self.call("Runtime.evaluate", expression=expression, awaitPromise=True)

    def wait_for(self, selector, seconds=20):
        for _ in range(int(seconds * 5)):
            found = self.js(f"!!document.querySelector({json.dumps(selector)})")
            if found.get("result", {}).get("value"):
                time.sleep(0.8)  # let charts and images finish drawing
                return
            time.sleep(0.2)
        sys.exit(f"timed out waiting for {selector!r} on {self.js('location.href')}")

    def open(self, url, viewport, selector):
        width, height, scale, mobile = viewport
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=scale,
            mobile=mobile,
        )
        self.call("Page.navigate", url=url)
        self.wait_for(selector)

    def click(self, text, selector):
        self.js(
            "[...document.querySelectorAll('a, button, .nav-link')]"
            f".find(e => e.textContent.trim() === {json.dumps(text)}).click()"
        )
        self.wait_for(selector)

    def shoot(self, name):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        (OUT / name).write_bytes(base64.b64decode(data))
        print(f"wrote static/description/{name}")


def shoot_referral_pages(browser, base, code):
    """The public referral page, then My loyalty as the portal user, on a phone."""
    browser.open(f"{base}/web/session/logout?redirect=/web/login", PHONE, "#login")
    browser.open(f"{base}/retention/referral/{code}", PHONE, "form.o_retention_referral_form")
    browser.shoot("referral_page_phone.png")
    browser.open(f"{base}/web/login", PHONE, "#login")
    browser.js(
        "document.querySelector('#login').value = 'portal';"
        "document.querySelector('#password').value = 'portal';"
        "document.querySelector('form').submit()"
    )
    time.sleep(3)
    browser.open(f"{base}/my/loyalty", PHONE, ".o_retention_my_loyalty")
    browser.shoot("my_loyalty_phone.png")


def main():
    base, feedback, customer, cadence = sys.argv[1:5]
    browser = Browser()
    try:
        browser.open(f"{base}/web/login", DESKTOP, "#login")
        browser.js(
            "document.querySelector('#login').value = 'admin';"
            "document.querySelector('#password').value = 'admin';"
            "document.querySelector('form').submit()"
        )
        time.sleep(3)
        browser.open(f"{base}/odoo/advocates", DESKTOP, ".o_kanban_record")
        browser.shoot("advocates_kanban.png")
        browser.open(f"{base}/odoo/retention-customers/{customer}", DESKTOP, ".o_form_view")
        browser.click("Loyalty", "[name='loyalty_tier_id']")
        browser.shoot("customer_loyalty_tab.png")
        cadences = "action-retention_loyalty.action_retention_cadence"
        browser.open(f"{base}/odoo/{cadences}/{cadence}", DESKTOP, ".o_form_view")
        browser.click("Preview", ".o_notebook .tab-pane.active")
        browser.shoot("cadence_preview.png")
        for action, name, selector in (
            ("action_retention_nps_report", "nps_over_time.png", ".o_graph_renderer canvas"),
            ("action_retention_loyalty_matrix", "loyalty_matrix.png", ".o_pivot table"),
            ("action_retention_health_report", "health_report.png", ".o_pivot table"),
            ("action_retention_cohort_report", "customer_cohorts.png", ".o_pivot table"),
        ):
            browser.open(f"{base}/odoo/action-retention_loyalty.{action}", DESKTOP, selector)
            browser.shoot(name)
        browser.open(f"{base}{feedback}?score=9", PHONE, "form")
        browser.shoot("feedback_page_phone.png")
        if len(sys.argv) > 5:  # noqa: PLR2004
            shoot_referral_pages(browser, base, sys.argv[5])
    finally:
        browser.process.kill()


if __name__ == "__main__":
    main()
