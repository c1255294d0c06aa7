"""Whole-system check: the public referral page holds its limits and "first
referrer wins" under real concurrent HTTP requests, against a served database,
in one process (threads) and with two workers."""

import re
import socket
import subprocess
import threading
import time

import pytest
import requests
from test_lifecycle import CONF, PYTHON, database, free_port, odoo, sql  # noqa: F401

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SETUP = """
company = env.ref('base.main_company')
codes = []
for name in ('Race Referrer A', 'Race Referrer B'):
    partner = env['res.partner'].create({'name': name, 'is_company': True,
                                         'email': name.replace(' ', '.').lower() + '@example.com'})
    codes.append(env['retention.profile']._profiles_of(partner, company).referral_code)
env['ir.config_parameter'].set_param('retention_loyalty.referral_ip_hour_limit', LIMIT)
env.cr.commit()
print('CODES', *codes)
"""
SET_LIMIT = """
env['ir.config_parameter'].set_param('retention_loyalty.referral_ip_hour_limit', LIMIT)
env.cr.commit()
env.registry.signal_changes()  # the served database's caches follow
"""


@pytest.fixture(scope="module")
def installed(database):  # noqa: F811
    odoo(database, "-i", "retention_loyalty", "--stop-after-init", "--without-demo=all")
    return database


def serve(name, workers, *extra):
    """Serve database `name` over HTTP (odoo-bin, no cron); its stderr is piped."""
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "odoo",
            "-c",
            CONF,
            "-d",
            name,
            f"--http-port={port}",
            f"--workers={workers}",
            "--max-cron-threads=0",
            "--log-level=warn",
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    return server, f"http://127.0.0.1:{port}"


def post_at_once(base, posts):
    """Each (code, name, e-mail) from its own session, all released together."""
    ready = []
    for code, name, email in posts:
        session = requests.Session()
        page = session.get(f"{base}/retention/referral/{code}", timeout=60)
        token = CSRF.search(page.text).group(1)
        data = {"csrf_token": token, "name": name, "email": email, "consent": "1"}
        ready.append((session, code, data))
    barrier = threading.Barrier(len(ready))
    statuses = [None] * len(ready)

    def post(index, session, code, data):
        barrier.wait()
        statuses[index] = session.post(
            f"{base}/retention/referral/{code}/submit", data=data, timeout=120
        ).status_code

    threads = [
        threading.Thread(target=post, args=(index, *item)) for index, item in enumerate(ready)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.parametrize("workers", [0, 2])
def test_fifteen_posts_at_once_keep_the_hourly_limit_and_the_first_referrer(installed, workers):
    sql(installed, "DELETE FROM retention_referral")
    sql(installed, "DELETE FROM crm_lead")
    out = odoo(installed, script=SETUP.replace("LIMIT", "5"))
    code_a, code_b = out.split("CODES ")[1].split()
    server, base = serve(installed, workers)
    try:
        statuses = post_at_once(
            base, [(code_a, f"Friend {n}", f"friend{n}.{workers}@example.com") for n in range(15)]
        )
        assert sorted(statuses) == [200] * 5 + [429] * 10, statuses
        assert sql(installed, "SELECT count(*) FROM retention_referral") == "5"
        assert sql(installed, "SELECT count(*) FROM crm_lead") == "5"
        # The same friend on two customers' codes at once: one referral is
        # live, the other "referred before".
        odoo(installed, script=SET_LIMIT.replace("LIMIT", "1000"))
        pairs = []
        for n in range(6):
            email = f"shared{n}.{workers}@example.com"
            pairs += [(code_a, "Shared Friend", email), (code_b, "Shared Friend", email)]
        statuses = post_at_once(base, pairs)
        assert statuses == [200] * 12, statuses
        states = sql(
            installed,
            "SELECT string_agg(state, ',' ORDER BY state) FROM retention_referral"
            " WHERE email LIKE 'shared%' GROUP BY email_normalized",
        ).split()
        assert states == ["duplicate,invited"] * 6, states
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=60)
    problems = [line for line in err.splitlines() if re.search(r" (ERROR|CRITICAL) ", line)]
    assert not problems, err[-4000:]
