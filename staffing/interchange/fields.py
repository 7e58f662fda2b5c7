"""The building blocks of the declarative record specs in `schema.py`.

A `Field` ties a JSON key to model attributes and a value type (`types.py`), a `Child` describes
rows owned by a record (experience, skills, the confidential part …) and an `Entity` is a record
type with its own ref or code. Validation, import, export and CSV conversion all walk these
specs, so each field is described exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .types import Boolean, Choice, Date, DateTime, Integer, Text, Type


@dataclass(frozen=True)
class Field:
    """One JSON key (dotted for nested objects, e.g. "desired.min_hourly_wage")."""

    key: str
    attrs: tuple[str, ...]
    type: Type
    required: bool = False
    default: Any = None  # for child rows, where a missing key means the model default
    setter: str = ""  # a model method that stores the value with what derives from it
    writes: tuple[str, ...] = ()  # the attributes that setter writes

    @property
    def column(self) -> str:
        return self.key.replace(".", "_")


@dataclass(frozen=True)
class Check:
    """A rule across fields of one record (by JSON key), e.g. end not before start."""

    keys: tuple[str, ...]
    ok: Callable[..., bool]
    message: Callable[[], str]  # called at report time, so it is translated then
    key: str = ""


@dataclass(eq=False)
class Child:
    """Rows owned by a record, diffed by `identity` (JSON keys) on import: a list of rows, a list
    of codes (a many-to-many; its one field has the key "") or one object (a one-to-one part)."""

    key: str
    model: type[models.Model]
    parent_attr: str
    fields: list[Field]
    identity: tuple[str, ...]
    shape: str = "rows"  # "rows" | "codes" | "object"
    fixed: dict = field(default_factory=dict)
    group: str = ""  # children stored in one table and synced together (required/preferred)
    order: tuple[str, ...] = ()  # JSON keys that order the rows on export
    checks: tuple[Check, ...] = ()
    cell_parts: tuple[str, ...] = ()  # CSV: the keys of a "a:b:c;a:b" cell, in order
    layout: dict = field(init=False)

    def __post_init__(self):
        self.layout = _layout(f.key for f in self.fields)

    def identify(self, row: dict):
        """The identity of a checked row: its value for one key, a tuple for several."""
        if len(self.identity) == 1:
            return row[self.identity[0]]
        return tuple(row[key] for key in self.identity)

    def identity_values(self, identity) -> tuple:
        return (identity,) if len(self.identity) == 1 else identity

    @property
    def identity_attrs(self) -> tuple[str, ...]:
        return tuple(f.attrs[0] for key in self.identity for f in self.fields if f.key == key)

    @property
    def value_attrs(self) -> tuple[str, ...]:
        attrs = [a for f in self.fields for a in f.attrs if a not in self.identity_attrs]
        return (*attrs, *self.fixed)


@dataclass(eq=False)
class Entity:
    """A record type with its own ref (or code), upserted by it and never deleted by an import."""

    name: str
    model: type[models.Model]
    kind: str
    members: list  # Field | Child | Entity, in the order of the keys in the file
    key_attr: str = "ref"
    parent_attr: str = ""
    checks: tuple[Check, ...] = ()
    unique: tuple[str, ...] = ()  # other attributes unique across the table
    layout: dict = field(init=False)

    def __post_init__(self):
        keys = [m.key for m in self.members if isinstance(m, Field | Child)]
        self.layout = _layout([*keys, *(m.name for m in self.members if isinstance(m, Entity))])

    @property
    def fields(self) -> list[Field]:
        return [m for m in self.members if isinstance(m, Field)]

    @property
    def children(self) -> list[Child]:
        return [m for m in self.members if isinstance(m, Child)]

    @property
    def nested(self) -> list[Entity]:
        return [m for m in self.members if isinstance(m, Entity)]

    @property
    def key_field(self) -> Field:
        return next(f for f in self.fields if f.attrs == (self.key_attr,))


def _layout(keys) -> dict[str, set[str] | None]:
    """The keys a record may have: {"ref": None, "desired": {"min_hourly_wage", …}, …}."""
    layout: dict[str, set[str] | None] = {}
    for key in keys:
        top, _dot, rest = key.partition(".")
        if rest:
            layout.setdefault(top, set()).add(rest)
        else:
            layout[top] = None
    return layout


_INTEGER_MAX = {"PositiveSmallIntegerField": 32_767, "PositiveIntegerField": 2_147_483_647}


def model_field(model, attr: str, key: str | None = None, **overrides) -> Field:
    """A Field whose type, bounds, choices and required-ness come from the model field."""
    mf = model._meta.get_field(attr)
    required = not mf.has_default() and not mf.null and not mf.blank
    if "type" in overrides:
        kind = overrides.pop("type")
    elif mf.choices:
        values = [value for value, _label in mf.flatchoices]
        kind = Choice(values + [""] if mf.blank and "" not in values else values)
    elif isinstance(mf, models.BooleanField):
        kind = Boolean()
    elif isinstance(mf, models.DateTimeField):
        kind = DateTime(null=mf.null)
    elif isinstance(mf, models.DateField):
        kind = Date(null=mf.null)
    elif isinstance(mf, models.IntegerField):
        low = [v.limit_value for v in mf.validators if isinstance(v, MinValueValidator)]
        high = [v.limit_value for v in mf.validators if isinstance(v, MaxValueValidator)]
        kind = Integer(
            min_value=max([0, *low]),
            max_value=min([_INTEGER_MAX[mf.get_internal_type()], *high]),
            null=mf.null,
        )
    elif isinstance(mf, models.CharField | models.TextField):
        kind = Text(
            max_length=mf.max_length,
            blank=mf.blank,
            slug=isinstance(mf, models.SlugField),
            email=isinstance(mf, models.EmailField),
        )
    else:
        raise TypeError(f"no interchange type for {model.__name__}.{attr}")
    return Field(
        key=key or attr,
        attrs=(mf.attname,),
        type=kind,
        required=overrides.pop("required", required),
        default=mf.get_default(),
        **overrides,
    )
