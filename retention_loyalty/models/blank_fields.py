"""Numbers that stay empty until there is one: Odoo's Float and Integer store
and read 0 for "no value", so a customer who never answered reads as the worst
score and an open complaint as resolved in 0 hours. These store NULL and read
False instead: the web client shows nothing, its list averages skip them, and
PostgreSQL's AVG and percentiles (grouped reads, pivots, graphs) too. A real
0 stays 0."""

from odoo import fields


def _is_blank(value):
    return value is None or value is False


class _Blank:
    """NULL in the column and the cache, False on the record, for a number
    field (mixed in before Odoo's own class)."""

    def convert_to_column(self, value, record, values=None, validate=True):
        if _is_blank(value):
            return None
        return super().convert_to_column(value, record, values, validate)

    def convert_to_cache(self, value, record, validate=True):
        if _is_blank(value):
            return None
        return super().convert_to_cache(value, record, validate)

    def convert_to_record(self, value, record):
        return False if value is None else value


# Same types: the first class of a type is the one registered for it, so
# Odoo's own Float and Integer are untouched.
class BlankFloat(_Blank, fields.Float):
    pass


class BlankInteger(_Blank, fields.Integer):
    pass
