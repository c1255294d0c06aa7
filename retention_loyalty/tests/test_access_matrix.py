"""Who may do what on every retention model: one table, checked per user on
real records of the main company; then what another company's rep, a portal
user and the public reach through the ORM, JSON-RPC and the feedback link.

test_feedback_request.py already covers the GET page's refusals (forged link
404, expired or used link 410, score "nine" 400, too many submissions 410), a
5000-character comment and the portal/public call_kw refusals: here only the
POST route's own refusals, the 2000-character limit, the other company and
the per-group RPC calls."""

import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.retention_feedback_request import MAX_COMMENT_LENGTH, MAX_SUBMISSIONS
from .common import RetentionCase
from .test_feedback_request import CSRF

SALESMAN = "sales_team.group_sale_salesman"
USERS = {  # key: (groups, in the other company)
    "salesman": (SALESMAN, False),
    "sales_manager": ("sales_team.group_sale_manager", False),
    "retention_manager": (f"{SALESMAN},retention_loyalty.group_retention_manager", False),
    "other_company": (SALESMAN, True),
    "portal": ("base.group_portal", False),
}
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
REPORTS = (
    "retention.nps.report",
    "retention.loyalty.matrix",
    "retention.churn.report",
    "retention.referral.report",
    "retention.compliance.report",
    "retention.referral.funnel.report",
    "retention.rate.report",
    "retention.cohort.report",
    "retention.health.report",
    "retention.cadence.impact",
    # Not a report, but read-only the same way: every sale, from every channel.
    "retention.purchase",
)
# Reports with several rows per customer: the one the matrix checks.
REPORT_ROW = {
    "retention.rate.report": [("period", "=", "month")],
    "retention.cohort.report": [("months_since", "=", 0)],
}
# Rights on a record of the main company. Portal and public users get nothing.
# fmt: off
MATRIX = {
    #                                  salesman sales mgr retention mgr other company
    "retention.tier":                  ("r",    "r",      "rwcu",       "-"),
    "retention.feedback":              ("rwc",  "rwc",    "rwcu",       "-"),
    "retention.feedback.request":      ("r",    "r",      "rwcu",       "-"),
    "retention.cadence":               ("r",    "r",      "rwcu",       "-"),
    "retention.followup":              ("r",    "r",      "rwcu",       "-"),
    "retention.account.review":        ("rwc",  "rwc",    "rwcu",       "-"),
    "retention.complaint":             ("rwc",  "rwc",    "rwcu",       "-"),
    # Shared configuration: every company reads it.
    "retention.review.question":       ("r",    "r",      "rwcu",       "r"),
    "retention.complaint.category":    ("r",    "r",      "rwcu",       "r"),
    # Tier changes belong to the company whose profile moved.
    "retention.tier.history":          ("r",    "r",      "rwcu",       "-"),
    # Health rows are the engine's: everyone reads their company's, nobody writes.
    "retention.health.history":        ("r",    "r",      "r",          "-"),
    # A rule's entries are the engine's too (the draw must stay untouched).
    "retention.cadence.entry":         ("r",    "r",      "r",          "-"),
    # Profiles: reps set consent, opportunity level and stage (the engine the rest).
    "retention.profile":               ("rwc",  "rwc",    "rwcu",       "-"),
    # Answers follow their review's company (rule on review_id.company_id).
    "retention.account.review.answer": ("rwcu", "rwcu",   "rwcu",       "-"),
    # Referrals come from the public page: reps correct the referee, admins the rest.
    "retention.referral":              ("rw",   "rw",     "rwcu",       "-"),
    # The nightly jobs' chunks: the cron's bookkeeping, read by system admins only.
    "retention.chunk":                 ("-",    "-",      "-",          "-"),
    **dict.fromkeys(REPORTS,           ("r",    "r",      "r",          "-")),
}
# fmt: on
EXPECTED = {model: dict(zip((*USERS, "public"), (*row, "-", "-"))) for model, row in MATRIX.items()}


def checked(records, operation):
    try:
        records.check_access(operation)
    except AccessError:
        return False
    return True


def rights(records, allows):
    """ "rwcu" or part of it: what the records' user may do on them, by `allows`."""
    return "".join(letter for letter, op in OPERATIONS.items() if allows(records, op)) or "-"


@tagged("post_install", "-at_install")
class TestAccessMatrix(RetentionCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Retention Co"})
        cls.users = {
            key: new_test_user(
                cls.env,
                login=f"mx_{key}",
                groups=groups,
                context={"no_reset_password": True},
                **({"company_id": cls.other_company.id} if elsewhere else {}),
            )
            for key, (groups, elsewhere) in USERS.items()
        }
        cls.users["public"] = cls.env.ref("base.public_user")
        here = {"company_id": cls.env.company.id}
        cls.customer = cls._customer("Matrix Customer", email="matrix@example.com", **here)
        cls._customer("Matrix Referee", referred_by_id=cls.customer.id, **here)
        cls._sell(cls.customer, 1000, days_ago=200)  # churn, matrix and referral rows
        step = {"activity_type_id": cls.env.ref("mail.mail_activity_data_call").id}
        cadence = cls.env["retention.cadence"].create(
            {"name": "Rule", "trigger": "review", "template_ids": [Command.create(step)], **here}
        )
        review = cls._make(
            "retention.account.review", answer_ids=[Command.create({"question": "?"})]
        )
        profile = cls.env["retention.profile"].search(
            [("partner_id", "=", cls.customer.id), ("company_id", "=", cls.env.company.id)]
        )
        referral = cls.env["retention.referral"]._create_from_page(
            profile, "Matrix Friend", "friend@example.com", "10.0.0.1"
        )
        entry = cls._make(
            "retention.cadence.entry",
            cadence_id=cadence.id,
            period_start=cadence.holdout_since,
            date=cls.today - timedelta(days=120),
            group="treated",
            **here,
        )
        cls.records = {
            "retention.cadence.entry": entry,
            "retention.chunk": cls.env["retention.chunk"].create(
                {"job": "profiles", "run": 1, "first_id": 1, "last_id": 2}
            ),
            "retention.referral": referral,
            "retention.tier": cls.env["retention.tier"].create(
                {"name": "Diamond", "sequence": 99, "min_revenue": 1e6, "min_order_count": 99}
                | {"min_tenure_days": 999, **here}
            ),
            "retention.tier.history": cls._make("retention.tier.history", date=cls.today, **here),
            "retention.health.history": cls.env["retention.health.history"].search(
                [("partner_id", "=", cls.customer.id), ("company_id", "=", cls.env.company.id)]
            ),
            "retention.profile": cls.env["retention.profile"].search(
                [("partner_id", "=", cls.customer.id), ("company_id", "=", cls.env.company.id)]
            ),
            "retention.feedback": cls._answer(cls.customer, 4, **here),
            "retention.feedback.request": cls._link(cls.customer),
            "retention.cadence": cadence,
            "retention.followup": cls._make(
                "retention.followup",
                cadence_id=cadence.id,
                step_id=cadence.template_ids.id,
                res_model="res.partner",
                res_id=cls.customer.id,
                date_deadline=cls.today,
                **here,
            ),
            "retention.account.review": review,
            "retention.account.review.answer": review.answer_ids,
            "retention.review.question": cls.env.ref(
                "retention_loyalty.review_question_feelings_1"
            ),
            "retention.complaint": cls._make("retention.complaint", name="Late", **here),
            "retention.complaint.category": cls.env.ref(
                "retention_loyalty.complaint_category_packaging"
            ),
        }
        cls.env.flush_all()
        for report in REPORTS:
            cls.records[report] = cls.env[report].search(
                [("partner_id", "=", cls.customer.id), *REPORT_ROW.get(report, [])]
            )

    @classmethod
    def _make(cls, model, **values):
        return cls.env[model].create({"partner_id": cls.customer.id, **values})

    @classmethod
    def _link(cls, partner, **values):
        expiry = fields.Datetime.now() + timedelta(days=9)
        return cls.env["retention.feedback.request"].create(
            {"partner_id": partner.id, "date_expiry": expiry, "company_id": partner.company_id.id}
            | values
        )

    def test_every_retention_model_has_a_row(self):
        ours = {
            ir_model.model
            for ir_model in self.env["ir.model"].search([])
            if "retention_loyalty" in ir_model.modules.split(", ")
            and self.env[ir_model.model]._original_module == "retention_loyalty"
            # Abstract models (the engine's services, the reports' base) hold no records.
            and not self.env[ir_model.model]._abstract
        }
        self.assertEqual(ours, set(EXPECTED))

    def test_access_matrix(self):
        for model, expected in EXPECTED.items():
            records = self.records[model]
            self.assertEqual(len(records), 1, f"one {model} record of the main company")
            for key, allowed in expected.items():
                as_user = records.with_user(self.users[key])
                with self.subTest(model=model, user=key):
                    self.assertEqual(rights(as_user, checked), allowed)
                    self.assertEqual(rights(as_user, type(records).has_access), allowed)

    def test_other_company_finds_nothing_of_the_main_one(self):
        Other = self.env(user=self.users["other_company"])
        for model, records in self.records.items():
            if "r" not in EXPECTED[model]["other_company"]:  # shared configuration excepted
                if not Other[model].has_access("read"):
                    continue  # not readable at all (the chunks): nothing to find
                with self.subTest(model=model):
                    self.assertEqual(Other[model].search_count([("id", "in", records.ids)]), 0)

    def _csrf(self, request):
        page = self.url_open(f"/retention/feedback/{request.access_token}?score=9")
        return CSRF.search(page.text).group(1)

    def _submit(self, token, csrf, **data):
        self.env.flush_all()
        url = f"/retention/feedback/{token}/submit"
        response = self.url_open(url, data={"csrf_token": csrf, **data})
        self.env.invalidate_all()
        return response.status_code

    def test_submit_refuses_like_the_page(self):
        live = self._link(self.customer)
        expired = self._link(self.customer, date_expiry=fields.Datetime.now() - timedelta(hours=1))
        csrf = self._csrf(live)
        too_long = "x" * (MAX_COMMENT_LENGTH + 1)
        for token, data, status in (
            ("forged-token", {"score": "9"}, 404),
            (expired.access_token, {"score": "9"}, 410),
            (live.access_token, {"score": "nine"}, 400),
            (live.access_token, {"score": "9", "effort": "easy"}, 400),
            (live.access_token, {"score": "9", "comment": too_long}, 400),
            (live.access_token, {"score": "9", "comment": too_long[1:]}, 200),
        ):
            with self.subTest(data=str(data)[:40], status=status):
                self.assertEqual(self._submit(token, csrf, **data), status)
        live.submission_count = MAX_SUBMISSIONS
        self.assertEqual(self._submit(live.access_token, csrf, score="1"), 410)
        self.assertEqual(live.feedback_id.score, 9, "refused answers change nothing")

    def test_a_link_answers_in_its_own_company(self):
        elsewhere = {"company_id": self.other_company.id}
        link = self._link(self._customer("Outsider", email="out@example.com", **elsewhere))
        self.assertEqual(self._submit(link.access_token, self._csrf(link), score="3"), 200)
        feedback = link.feedback_id
        self.assertEqual(feedback.company_id, self.other_company)
        for key, visible in (("salesman", 0), ("other_company", 1)):
            Feedback = self.env["retention.feedback"].with_user(self.users[key])
            self.assertEqual(Feedback.search_count([("id", "=", feedback.id)]), visible, key)

    def _rpc(self, model, method, *args):
        """A JSON-RPC call in the current session: its result, or its error's name."""
        params = {"model": model, "method": method, "args": args, "kwargs": {}}
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        ).json()
        if "error" in response:
            return response["error"]["data"]["name"].rpartition(".")[2]
        return response["result"]

    def test_rpc_per_group_and_company(self):
        F, R, NO = "retention.feedback", "retention.feedback.request", "AccessError"
        fid, rid = self.records[F].id, self.records[R].id
        tier, me = self.records["retention.tier"].id, self.users["portal"].partner_id.id
        customer = [("partner_id", "=", self.customer.id)]
        # fmt: off
        for key, model, method, args, expected in (
            ("salesman", F, "search_read", ([("id", "=", fid)], ["id"]), [{"id": fid}]),
            ("other_company", F, "search_read", ([("id", "=", fid)], ["id"]), []),
            ("other_company", F, "read", ([fid], ["score"]), NO),
            ("other_company", "retention.complaint", "search_count", (customer,), 0),
            # The link is for the customer's e-mail only, even for retention admins.
            ("salesman", R, "read", ([rid], ["access_token"]), NO),
            ("retention_manager", R, "read", ([rid], ["feedback_url"]), NO),
            ("salesman", R, "write", ([rid], {"state": "sent"}), NO),
            ("sales_manager", "retention.tier", "write", ([tier], {"min_revenue": 1}), NO),
            # Requests are created as superuser: only retention users may ask for them.
            ("portal", "res.partner", "action_request_feedback", ([me],), NO),
        ):
            with self.subTest(user=key, model=model, method=method), mute_logger("odoo.http"):
                self.authenticate(self.users[key].login, self.users[key].login)
                self.assertEqual(self._rpc(model, method, *args), expected)
        # fmt: on

    def test_wrong_types_and_huge_numbers_over_rpc_get_a_clear_refusal(self):
        partner = self.customer.id
        # fmt: off
        for model, method, args in (
            ("retention.feedback", "create", ({"partner_id": partner, "score": "abc"},)),
            ("retention.feedback", "create", ({"partner_id": partner, "score": 7,
                                               "effort_score": 2**31},)),
            ("retention.tier", "create", ({"name": "Huge", "min_revenue": 1e308},)),
            ("retention.tier", "create", ({"name": "Many", "min_order_count": "twelve"},)),
            ("res.config.settings", "create", ({"retention_health_weight_recency": 2**31},)),
            ("res.config.settings", "create", ({"retention_referral_ip_hour_limit": -5},)),
        ):
            # fmt: on
            with self.subTest(model=model, values=args[0]), mute_logger("odoo.http"):
                self.authenticate("admin", "admin")
                self.assertEqual(self._rpc(model, method, *args), "ValidationError")
