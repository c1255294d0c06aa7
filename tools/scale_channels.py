"""Purchases from every channel for the scale benchmark (`make bench`,
`scale_load.py generate --mix`): of the generated purchases, 60 % are sale
orders (scale_load.py inserts those), 25 % paid till orders and 15 % posted
direct invoices; a full credit note follows 3 % of all purchases ten days
later (a return). Bulk SQL, no randomness: the purchase number g drives every
value, as for the sale orders.

Also the raw-SQL floor over the same channels (FLOOR_PURCHASES), which
`scale_load.py floor` aggregates as the addon's recompute does."""

# Purchase g goes to a channel by g % 20: 0-11 sale order, 12-16 till, 17-19 invoice.
SALE = "g %% 20 < 12"
TILL = "g %% 20 BETWEEN 12 AND 16"
INVOICE = "g %% 20 >= 17"
# A credit note for 3 purchases in 100.
CREDITED = "g %% 100 IN (7, 42, 77)"
# Who bought purchase g, for how much, when (as scale_load.py's sale orders):
# one in ten goes to the top 2 % of the customers, five times bigger.
PICK = """LATERAL (SELECT CASE WHEN g %% 10 = 0 THEN (%(ids)s::int[])[1 + (g / 10) %% %(top)s]
                            ELSE (%(ids)s::int[])[1 + g %% %(count)s] END AS p,
                       (50 + (g %% 40) * 25) * CASE WHEN g %% 10 = 0 THEN 5 ELSE 1 END
                           AS amount,
                       now() AT TIME ZONE 'UTC' - make_interval(days => (g * 37) %% %(days)s)
                           AS at) pick"""


def pick_params(ids, orders, days):
    return {"ids": ids, "top": max(1, len(ids) // 50), "count": len(ids), "orders": orders,
            "days": days}  # fmt: skip


def open_till(env):
    """A till of the company with an open session, through the ORM (as the
    administrator: OdooBot is no cashier)."""
    env = env(user=env.ref("base.user_admin"))
    company = env.company
    cash = env["account.journal"].search(
        [("type", "=", "cash"), ("company_id", "=", company.id)], limit=1
    )
    method = env["pos.payment.method"].create(
        {"name": "Scale cash", "journal_id": cash.id, "company_id": company.id}
    )
    config = env["pos.config"].create(
        {"name": "Scale till", "payment_method_ids": [(6, 0, method.ids)]}
    )
    config.open_ui()
    return config.current_session_id


def insert_till_orders(env, params):
    session = open_till(env)
    env.flush_all()
    env.cr.execute(
        f"""INSERT INTO pos_order (name, pos_reference, session_id, config_id, company_id,
                                   partner_id, user_id, date_order, state, amount_tax,
                                   amount_total, amount_paid, amount_return, currency_rate,
                                   create_date, write_date)
            SELECT 'SCALE/POS/' || g, 'SCALE/POS/' || g, %(session)s, %(config)s, %(company)s,
                   p, %(uid)s, at, 'done', 0, amount, amount, 0, 1, now(), now()
              FROM generate_series(0, %(orders)s - 1) g, {PICK}
             WHERE {TILL}""",
        {
            **params,
            "session": session.id,
            "config": session.config_id.id,
            "company": env.company.id,
            "uid": env.uid,
        },
    )
    return env.cr.rowcount


def insert_invoices(env, params):
    """Posted direct invoices, then the credit notes of 3 % of all purchases
    (whatever their channel). Only the columns the purchases read are filled:
    the moves have no lines."""
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1
    )
    values = {
        **params,
        "journal": journal.id,
        "company": env.company.id,
        "currency": env.company.currency_id.id,
    }
    counts = {}
    for kind, condition, sign, shift in (
        ("invoices", INVOICE, 1, 0),
        ("credit_notes", CREDITED, -1, 10),
    ):
        move_type = "out_invoice" if sign > 0 else "out_refund"
        env.cr.execute(
            f"""INSERT INTO account_move (name, move_type, state, journal_id, company_id,
                                          currency_id, partner_id, commercial_partner_id,
                                          invoice_date, date, auto_post, amount_untaxed,
                                          amount_total, amount_untaxed_signed,
                                          amount_total_signed, create_date, write_date)
                SELECT 'SCALE/{move_type}/' || g, %(move_type)s, 'posted', %(journal)s,
                       %(company)s, %(currency)s, p, p, day, day, 'no', amount, amount,
                       %(sign)s * amount, %(sign)s * amount, now(), now()
                  FROM generate_series(0, %(orders)s - 1) g, {PICK},
                       LATERAL (SELECT LEAST(at::date + %(shift)s, CURRENT_DATE) AS day) d
                 WHERE {condition}""",
            {**values, "move_type": move_type, "sign": sign, "shift": shift},
        )
        counts[kind] = env.cr.rowcount
    return counts


def insert_channels(env, ids, orders, days):
    """The till orders, direct invoices and credit notes of `orders` purchases."""
    params = pick_params(ids, orders, days)
    return {"till_orders": insert_till_orders(env, params), **insert_invoices(env, params)}


# The purchases of every channel with no addon in between: one UNION ALL of
# the documents that count (the same exclusions as retention.purchase: an
# order's invoice, a till's invoice).
FLOOR_SALES = """
    SELECT buyer.commercial_partner_id AS partner_id, o.company_id, o.date_order::date AS day,
           o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1) AS amount, true AS is_order
      FROM sale_order o JOIN res_partner buyer ON buyer.id = o.partner_id
     WHERE o.state = 'sale'
"""
FLOOR_TILL = """
 UNION ALL
    SELECT buyer.commercial_partner_id, o.company_id, o.date_order::date,
           (o.amount_total - o.amount_tax) / COALESCE(NULLIF(o.currency_rate, 0), 1),
           o.amount_total >= 0
      FROM pos_order o JOIN res_partner buyer ON buyer.id = o.partner_id
     WHERE o.state IN ('paid', 'done', 'invoiced')
"""
FLOOR_INVOICES = """
 UNION ALL
    SELECT m.commercial_partner_id, m.company_id, COALESCE(m.invoice_date, m.date),
           m.amount_untaxed_signed, m.move_type = 'out_invoice'
      FROM account_move m
     WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'
       AND %(not_till)s
       AND (m.move_type = 'out_refund' OR NOT EXISTS (
                SELECT 1 FROM account_move_line l
                  JOIN sale_order_line_invoice_rel r ON r.invoice_line_id = l.id
                 WHERE l.move_id = m.id))
"""


def floor_purchases(env):
    """FLOOR_SALES, FLOOR_TILL (when point_of_sale is there) and FLOOR_INVOICES."""
    env.cr.execute("SELECT to_regclass('pos_order') IS NOT NULL")
    till = env.cr.fetchone()[0]
    not_till = (
        "NOT EXISTS (SELECT 1 FROM pos_order po WHERE po.account_move = m.id)" if till else "true"
    )
    return (
        FLOOR_SALES
        + (FLOOR_TILL if till else "")
        + FLOOR_INVOICES.replace("%(not_till)s", not_till)
    )
