"""Whole-system check: the nightly recompute shared by several cron workers,
each in its own process with its own registry (as on several Odoo servers on
one database), gives the same profiles as one worker, each chunk done once."""

import subprocess
import uuid

import pytest
from test_lifecycle import (  # noqa: F401 (database: a fixture)
    database,
    odoo,
    profile_counts,
    scale,
    sql,
)

# What a recompute decides per customer and company (codes and dates of
# writing aside: they are random or the clock's).
DIGEST = """SELECT md5(string_agg(concat_ws(',', partner_id, company_id, loyalty_tier_id,
    advocacy_stage, loyalty_revenue, loyalty_order_count, lifetime_revenue, is_key_account,
    satisfaction_score, health_score, health_band, churn_probability, predicted_revenue,
    tier_kept_until), ';' ORDER BY partner_id, company_id)) FROM retention_profile"""


@pytest.fixture(scope="module")
def twin(database):  # noqa: F811
    """The database with 2,000 generated customers, and a copy of it."""
    odoo(database, "-i", "retention_loyalty", "--stop-after-init", "--without-demo=all")
    scale(database, "generate", "--customers", "2000", "--orders", "8000", "--feedback", "4000",
          "--referrals", "200")  # fmt: skip
    copy = f"retention_twin_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-T", database, copy], check=True)
    yield database, copy
    subprocess.run(["dropdb", "--if-exists", copy], check=False)


def test_two_workers_give_the_same_profiles_each_chunk_once(twin):
    alone, shared = twin
    one = scale(alone, "recompute", "--batch", "100", "--workers", "1")
    two = scale(shared, "recompute", "--batch", "100", "--workers", "2")
    assert one["workers_seen"] == 1, one
    assert two["workers_seen"] == two["workers"], two  # both workers took chunks
    assert sql(shared, "SELECT count(*) FROM retention_chunk WHERE NOT done") == "0"
    assert sql(alone, DIGEST) == sql(shared, DIGEST)
    # Each tier move logged once, in the history and the chatter.
    assert profile_counts(shared) == profile_counts(alone)
    assert profile_counts(shared)[1:] == (0, 0)
