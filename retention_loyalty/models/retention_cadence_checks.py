"""What an admin saves on a cadence rule is checked when it is saved, in the
admin's own rights, so that the engine (which runs as superuser) never meets
a filter it cannot run, a number out of range, a field the admin could not
read, nor a step moved into another activity plan."""

import ast

import psycopg2

from odoo import Command, api, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

from .retention_cadence_steps import PLACEHOLDER

MAX_INACTIVITY_DAYS = 3650
MAX_PATH_DEPTH = 5  # field hops in a filter condition or a note placeholder
LOGIC = ("&", "|", "!")


class RetentionCadence(models.Model):
    _inherit = "retention.cadence"

    def _check_rule_values(self, vals, model="res.partner"):
        """Refuse, before the superuser write, what the admin may not set;
        `model` is what the rule's activities go on."""
        if vals.get("res_model", model) != model:
            raise ValidationError(
                self.env._(
                    "Where a rule's activities go follows its trigger and its “Activities On” "
                    "choice: it cannot be set directly."
                )
            )
        for command in vals.get("template_ids", ()):
            if command[0] in (Command.CREATE, Command.UPDATE) and (command[2] or {}).get("note"):
                self._check_note_placeholders(command[2]["note"], model)
        days = vals.get("inactivity_days")
        if "inactivity_days" in vals and (
            not isinstance(days or 0, int) or not 0 <= (days or 0) <= MAX_INACTIVITY_DAYS
        ):
            raise ValidationError(
                self.env._(
                    "“Inactive After” goes from 0 to %(max)s days (got %(days)s).",
                    max=MAX_INACTIVITY_DAYS,
                    days=vals["inactivity_days"],
                )
            )
        if "partner_domain" in vals:
            self._check_customer_filter(vals["partner_domain"], vals.get("company_id"))
        if "company_id" in vals and not vals["company_id"] and not self.env.su:
            everywhere = self.env["res.company"].sudo().search_count([])
            if len(self.env.user.company_ids) < everywhere:
                raise AccessError(
                    self.env._(
                        "A rule of every company works on every company's customers: only "
                        "a user of all the companies can make one."
                    )
                )

    @api.model
    def _check_customer_filter(self, text, company_id=None):
        """A list of conditions on customers that runs, on fields the user can
        read: checked by running it once (in a savepoint) as that user."""
        invalid = self.env._(
            "The customer filter must be a list of conditions, such as "
            "[('country_id.code', '=', 'FI')]."
        )
        try:
            domain = ast.literal_eval(text or "[]")
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as error:
            raise ValidationError(invalid) from error
        if not isinstance(domain, list) or not all(
            item in LOGIC
            or (
                isinstance(item, (list, tuple))
                and len(item) == 3  # noqa: PLR2004
                and isinstance(item[0], str)
                and item[0].count(".") < MAX_PATH_DEPTH
            )
            for item in domain
        ):
            raise ValidationError(invalid)
        company = self.env["res.company"].browse(company_id) or self.env.company
        customers = self.env["res.partner"].with_company(company).with_context(active_test=False)
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                customers.search_count(domain, limit=1)
        except AccessError as error:
            raise ValidationError(
                self.env._(
                    "The customer filter uses a field you cannot read: %(error)s", error=error
                )
            ) from error
        except (ValueError, TypeError, KeyError, AssertionError, RecursionError) as error:
            raise ValidationError(
                self.env._("The customer filter is not valid: %(error)s", error=error)
            ) from error
        except psycopg2.Error as error:
            raise ValidationError(
                self.env._(
                    "The customer filter compares a field with a value of the wrong kind "
                    "(a number with a text, a date with a word)."
                )
            ) from error

    @api.model
    def _check_note_placeholders(self, note, model):
        """{{ object.a.b }} in a step note: field names the user can read, and
        one record at each hop (no list of another company's orders)."""
        for match in PLACEHOLDER.finditer(str(note or "")):
            current = self.env[model]
            names = match.group(1).split(".")[1:]
            for position, name in enumerate(names):
                field = current._fields.get(name)
                last = position == len(names) - 1
                if (
                    not field
                    or len(names) > MAX_PATH_DEPTH
                    or field.type in ("one2many", "many2many")
                    or (field.type != "many2one" and not last)
                    or not field.is_accessible(self.env)
                ):
                    raise ValidationError(
                        self.env._(
                            "The note's placeholder %(placeholder)s cannot be filled in: use "
                            "fields you can read, through one record at a time (such as "
                            "{{ object.user_id.name }}).",
                            placeholder=match.group(0),
                        )
                    )
                if field.type == "many2one":
                    current = self.env[field.comodel_name]
