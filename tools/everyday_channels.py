"""The till's and the invoices' everyday actions for `everyday_load.py
actions` (with and without the addon's hooks, side by side): post a direct
customer invoice, pay a till order as the till sends it, close a till session
of 500 paid orders. As the administrator (the accountant, the shop manager);
each measure is rolled back."""

from uuid import uuid4

from odoo import Command, fields

SESSION_ORDERS = 500
SESSION_RUNS = 3


def channel_actions(env, customers, compare, runs):
    """{action: figures} of each channel action; `compare(env, runs, prepare,
    act)` is everyday_load's side-by-side measure."""
    admin = env(user=env.ref("base.user_admin"), context={"generate_pdf": False})
    product = admin["product.product"].create(
        {"name": "Bench till product", "list_price": 100.0, "available_in_pos": True}
    )
    figures = {}

    def draft_invoice(run):
        return admin["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customers[run],
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 1, "price_unit": 100})
                ],
            }
        )

    figures["post_direct_invoice"] = compare(env, runs, draft_invoice, lambda m: m.action_post())
    session = open_bench_till(admin)
    figures["pay_till_order"] = compare(
        env,
        runs,
        lambda run: [till_order(session, product, customers[run])],
        admin["pos.order"].sync_from_ui,
    )

    def full_session(run):
        orders = [
            till_order(session, product, customers[(run * SESSION_ORDERS + i) % len(customers)])
            for i in range(SESSION_ORDERS)
        ]
        admin["pos.order"].sync_from_ui(orders)
        return session

    figures["close_till_session_500_orders"] = compare(
        env, SESSION_RUNS, full_session, lambda s: s.action_pos_session_closing_control()
    )
    return figures


def open_bench_till(env):
    """A till of its own (the generated orders sit in the scale till's session)."""
    cash = env["account.journal"].create({"name": "Bench till cash", "type": "cash", "code": "BTC"})
    method = env["pos.payment.method"].create({"name": "Bench cash", "journal_id": cash.id})
    config = env["pos.config"].create(
        {"name": "Bench till", "payment_method_ids": [Command.set(method.ids)]}
    )
    config.open_ui()
    return config.current_session_id


def till_order(session, product, partner_id, amount=100.0):
    """A paid one-line till order as the till sends it to sync_from_ui."""
    return {
        "uuid": str(uuid4()),
        "session_id": session.id,
        "partner_id": partner_id,
        "pricelist_id": session.config_id.pricelist_id.id,
        "date_order": fields.Datetime.to_string(fields.Datetime.now()),
        "amount_paid": amount,
        "amount_return": 0,
        "amount_tax": 0,
        "amount_total": amount,
        "state": "paid",
        "sequence_number": 1,
        "user_id": session.env.uid,
        "to_invoice": False,
        "lines": [
            Command.create(
                {
                    "product_id": product.id,
                    "qty": 1,
                    "price_unit": amount,
                    "price_subtotal": amount,
                    "price_subtotal_incl": amount,
                    "tax_ids": [],
                }
            )
        ],
        "payment_ids": [
            Command.create(
                {
                    "amount": amount,
                    "name": fields.Datetime.now(),
                    "payment_method_id": session.payment_method_ids[0].id,
                }
            )
        ],
    }
