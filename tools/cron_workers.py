"""Extra cron workers for the nightly recompute, as other Odoo servers would
run them: `spawn(config, database, count)` starts `count` processes that take
chunks (retention.chunk._take_one) until the process that started them ends.

    python tools/cron_workers.py -c ODOO_CONF -d DB --parent PID
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api


def spawn(config, database, count, timeout=120):
    """Start the workers and wait until each has loaded its registry (a cron
    worker of a running server has)."""
    ready = tempfile.mkdtemp(prefix="retention-workers-")
    parent = str(os.getpid())
    workers = [
        # Not the caller's output: a caller reading it to its end would wait for them.
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "-c",
                config,
                "-d",
                database,
                "--parent",
                parent,
                "--ready",
                os.path.join(ready, str(n)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(count)
    ]
    deadline = time.time() + timeout
    while len(os.listdir(ready)) < count and time.time() < deadline:
        time.sleep(0.1)
    return workers


def alive(pid):
    """The parent still runs (a dead one's children go to another parent)."""
    return os.getppid() == pid


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--ready", required=True, help="a file to create once ready")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    taken = 0
    with odoo.modules.registry.Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Path(args.ready).touch()
        while alive(args.parent):
            if env["retention.chunk"]._take_one():
                taken += 1
            else:
                cr.rollback()  # a fresh snapshot to see the next run's chunks
                time.sleep(0.05)
    return taken


if __name__ == "__main__":
    main()
