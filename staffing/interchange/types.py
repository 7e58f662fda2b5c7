"""The value types of the interchange format.

A `Type` knows one kind of JSON value: how to check it (`check`, reporting to the validation
context), how the writer turns a checked value into what the model stores (`loader`: a ref
becomes a primary key), how to write the stored value back (`export`) and how to read it from a
CSV cell (`from_cell`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models.clients import validate_corporate_number
from staffing import postal

MISSING = object()  # a CSV cell that leaves the key out of the record


class Invalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Type:
    null = False  # whether null is a value (the caller handles null before `check`)
    blank_cell: Any = MISSING  # what an empty CSV cell means for this type

    def check(self, raw, ctx, path: str):
        """The checked value of a non-null JSON value, or Invalid(why)."""
        return raw

    def loader(self, maps: dict) -> Callable | None:
        """For the writer: a function from a validated JSON value to the model's value, or None
        when they are the same."""
        return None

    def export(self, value, rmaps: dict):
        return value

    def from_cell(self, cell: str):
        if cell == "":
            return None if self.null else self.blank_cell
        return cell


class Text(Type):
    def __init__(
        self,
        max_length: int | None = None,
        blank: bool = True,
        slug: bool = False,
        email: bool = False,
    ):
        self.max_length, self.blank, self.slug, self.email = max_length, blank, slug, email
        self.blank_cell = "" if blank else MISSING

    def check(self, raw, ctx, path):
        if not isinstance(raw, str):
            raise Invalid(_("must be a string"))
        if not raw.strip():
            if self.blank:
                return raw
            raise Invalid(_("must not be empty"))
        if self.max_length is not None and len(raw) > self.max_length:
            raise Invalid(_("must be at most %(n)d characters") % {"n": self.max_length})
        if self.slug and not _SLUG.fullmatch(raw):
            raise Invalid(_("must contain only letters, digits, - and _"))
        if self.email:
            try:
                EmailValidator()(raw)
            except ValidationError:
                raise Invalid(_("must be an e-mail address")) from None
        return raw


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class Integer(Type):
    def __init__(self, min_value: int = 0, max_value: int = 2_147_483_647, null: bool = False):
        self.min_value, self.max_value, self.null = min_value, max_value, null

    def check(self, raw, ctx, path):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise Invalid(_("must be a whole number"))
        if raw < self.min_value:
            raise Invalid(_("must be %(n)d or more") % {"n": self.min_value})
        if raw > self.max_value:
            raise Invalid(_("must be %(n)d or less") % {"n": self.max_value})
        return raw

    def from_cell(self, cell):
        cell = cell.strip()
        if re.fullmatch(r"-?\d+", cell):
            return int(cell)
        return super().from_cell(cell)


class Boolean(Type):
    def check(self, raw, ctx, path):
        if not isinstance(raw, bool):
            raise Invalid(_("must be true or false"))
        return raw

    def from_cell(self, cell):
        word = cell.strip().lower()
        if word in {"true", "1", "yes"}:
            return True
        if word in {"false", "0", "no"}:
            return False
        return super().from_cell(cell)


class Date(Type):
    def __init__(self, null: bool = False):
        self.null = null

    def check(self, raw, ctx, path):
        if isinstance(raw, str) and _DATE.fullmatch(raw):
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError:
                pass
        raise Invalid(_("must be a date as YYYY-MM-DD, got %(raw)s") % {"raw": show(raw)})

    def loader(self, maps):
        return _optional(datetime.date.fromisoformat)

    def export(self, value, rmaps):
        return None if value is None else value.isoformat()


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DateTime(Type):
    """ISO 8601; a value without an offset is Japan time. Written back in Japan time."""

    def __init__(self, null: bool = False):
        self.null = null

    def check(self, raw, ctx, path):
        if isinstance(raw, str) and "T" in raw:
            try:
                return self._aware(raw)
            except ValueError:
                pass
        raise Invalid(
            _("must be a date and time as YYYY-MM-DDThh:mm:ss+09:00, got %(raw)s")
            % {"raw": show(raw)}
        )

    @staticmethod
    def _aware(raw: str) -> datetime.datetime:
        value = datetime.datetime.fromisoformat(raw)
        return timezone.make_aware(value) if timezone.is_naive(value) else value

    def loader(self, maps):
        return _optional(self._aware)

    def export(self, value, rmaps):
        return None if value is None else timezone.localtime(value).isoformat()


class Choice(Type):
    def __init__(self, choices: list[str]):
        self.choices = choices
        self.blank_cell = "" if "" in choices else MISSING

    def check(self, raw, ctx, path):
        if raw not in self.choices:
            names = ", ".join(c for c in self.choices if c) + (', ""' if "" in self.choices else "")
            raise Invalid(
                _("%(raw)s is not one of: %(names)s") % {"raw": show(raw), "names": names}
            )
        return raw


class PostalCode(Type):
    """7 digits, stored as 100-0005. A well-formed code Japan Post does not list is a warning."""

    def __init__(self, blank: bool = False):
        self.blank = blank
        self.blank_cell = "" if blank else MISSING

    def check(self, raw, ctx, path):
        if not isinstance(raw, str):
            raise Invalid(_("must be a string"))
        if raw == "" and self.blank:
            return ""
        if not _POSTAL.fullmatch(raw.strip().translate(_FULL_WIDTH)):
            raise Invalid(
                _("must be a postal code of 7 digits, e.g. 100-0005, got %(raw)s")
                % {"raw": show(raw)}
            )
        code = self._formatted(raw)
        if postal.lookup(code) is None:
            ctx.warn(
                path,
                _(
                    "postal code %(code)s is not in the Japan Post data; prefecture "
                    "and city are left empty"
                )
                % {"code": code},
            )
        return code

    @staticmethod
    def _formatted(raw: str) -> str:
        return postal.formatted(raw.strip().translate(_FULL_WIDTH)) if raw else ""

    def loader(self, maps):
        return self._formatted


_FULL_WIDTH = str.maketrans("０１２３４５６７８９－ー", "0123456789--")
_POSTAL = re.compile(r"[0-9]{3}-?[0-9]{4}")


class CorporateNumber(Type):
    def check(self, raw, ctx, path):
        if not isinstance(raw, str):
            raise Invalid(_("must be a string of 13 digits"))
        try:
            validate_corporate_number(raw)
        except ValidationError as exc:
            raise Invalid(str(exc.messages[0])) from None
        return raw


class Ref(Type):
    """The ref or code of a record in the file or the database; stored as its primary key."""

    def __init__(self, kind: str, null: bool = False):
        self.kind, self.null = kind, null

    def check(self, raw, ctx, path):
        if not isinstance(raw, str) or not raw:
            raise Invalid(_("must be a string"))
        ctx.refer(self.kind, raw, path)
        return raw

    def loader(self, maps):
        return _optional(maps[self.kind].__getitem__)

    def export(self, value, rmaps):
        return None if value is None else rmaps[self.kind][value]


class Staff(Type):
    """An agency staff user, by e-mail; staff are not part of the format and must exist."""

    def __init__(self, role_attr: str):
        self.role_attr, self.null = role_attr, True

    def check(self, raw, ctx, path):
        if not isinstance(raw, str) or not raw:
            raise Invalid(_("must be an e-mail address"))
        problem = ctx.staff_problem(raw.strip().lower(), self.role_attr)
        if problem:
            raise Invalid(problem)
        return raw.strip().lower()

    def loader(self, maps):
        staff = maps["staff"]
        return _optional(lambda email: staff[email.strip().lower()])

    def export(self, value, rmaps):
        return None if value is None else rmaps["staff"][value]


class Transport(Type):
    """ "none", "full" or {"cap_per_month": N}: two model fields, one JSON value."""

    def check(self, raw, ctx, path):
        if raw in ("none", "full"):
            return (raw, None)
        if isinstance(raw, dict) and set(raw) == {"cap_per_month"}:
            cap = Integer().check(raw["cap_per_month"], ctx, path)
            return ("capped", cap)
        raise Invalid(_('must be "none", "full" or {"cap_per_month": yen}'))

    def loader(self, maps):
        return lambda raw: (
            ("capped", raw["cap_per_month"]) if isinstance(raw, dict) else (raw, None)
        )

    def export(self, value, rmaps):
        kind, cap = value
        return {"cap_per_month": cap} if kind == "capped" else kind

    def from_cell(self, cell):
        cell = cell.strip()
        if cell.isdigit():
            return {"cap_per_month": int(cell)}
        return super().from_cell(cell)


def _optional(function: Callable) -> Callable:
    return lambda value: None if value is None else function(value)


def show(value) -> str:
    """A value as messages quote it."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
