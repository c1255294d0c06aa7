"""Numbers from outside (JSON-RPC, XML-RPC, an import) are checked before
Odoo converts them: a score of "abc", a weight of 2**31 or a threshold of
1e308 get a ValidationError in the user's language, not a psycopg2,
TypeError or OverflowError traceback."""

import math

from odoo.exceptions import ValidationError

INT_LIMIT = 2**31 - 1  # PostgreSQL's integer
FLOAT_LIMIT = 1e15  # amounts and thresholds: far beyond any real one, still exact


def check_numbers(records, vals, prefix=""):
    """Raise a clear ValidationError if a number field of `records` in `vals`
    (those named `prefix`... only, if given) is not a finite number in range."""
    env = records.env
    for name, value in vals.items():
        field = records._fields.get(name)
        if not field or field.type not in ("integer", "float", "monetary"):
            continue
        if not name.startswith(prefix) or value is False or value is None:
            continue
        limit = INT_LIMIT if field.type == "integer" else FLOAT_LIMIT
        number = _as_number(value)
        if number is None or not math.isfinite(number) or abs(number) > limit:
            # Whole numbers with separators: "2,147,483,647", not "1e+15".
            bounds = {
                "low": f"{-int(limit):,}",
                "high": f"{int(limit):,}",
                "value": repr(value)[:40],
            }
            raise ValidationError(
                env._(
                    "“%(field)s” must be a number between %(low)s and %(high)s (got %(value)s).",
                    field=field._description_string(env),
                    **bounds,
                )
            )


def _as_number(value):
    """The number `value` is (data files and imports give "12"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None
