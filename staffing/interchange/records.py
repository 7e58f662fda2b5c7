"""Checking one record of a document through its spec, reporting every problem to the validation
context; and walking the records of a document, for validation and the writer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from .fields import Child, Entity, Field
from .lazy import LazyList
from .schema import PARENTS, SECTIONS
from .types import Invalid, show


def is_list(value) -> bool:
    return isinstance(value, list | LazyList)


def lookup(raw: dict, key: str) -> tuple[bool, Any]:
    """(present, value) of a possibly dotted key."""
    top, _dot, rest = key.partition(".")
    if not rest:
        return (top in raw, raw.get(top))
    inner = raw.get(top)
    if not isinstance(inner, dict) or rest not in inner:
        return (False, None)
    return (True, inner[rest])


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def check_keys(layout: dict, raw: dict, path: str, ctx) -> None:
    for key, value in raw.items():
        if key not in layout:
            ctx.error(join(path, key), _("unknown key"))
        elif layout[key] is not None:
            if not isinstance(value, dict):
                ctx.error(join(path, key), _("must be an object"))
                continue
            for inner in value:
                if inner not in layout[key]:
                    ctx.error(f"{join(path, key)}.{inner}", _("unknown key"))


def _check(field: Field, value, path: str, ctx):
    """The checked value, or _FAILED after reporting why."""
    if value is None and not field.type.null:
        ctx.error(path, _("must not be null"))
        return _FAILED
    try:
        return None if value is None else field.type.check(value, ctx, path)
    except Invalid as exc:
        ctx.error(path, exc.message)
        return _FAILED


_FAILED = object()


def parse_record(spec: Entity, raw, path: str, ctx) -> dict | None:
    """Check a record and its child rows; return its checked values by JSON key (for the keys
    it has), or None if it is not an object at all."""
    if not isinstance(raw, dict):
        ctx.error(path, _("must be an object"))
        return None
    check_keys(spec.layout, raw, path, ctx)
    values = {}
    for field in spec.fields:
        present, value = lookup(raw, field.key)
        if not present:
            if field.required:
                ctx.error(f"{path}.{field.key}", _("is required"))
            continue
        value = _check(field, value, f"{path}.{field.key}", ctx)
        if value is not _FAILED:
            values[field.key] = value
    seen_in_group: dict[str, dict] = {}
    for child in spec.children:
        present, value = lookup(raw, child.key)
        if present:
            seen = seen_in_group.setdefault(child.group or child.key, {})
            check_child(child, value, f"{path}.{child.key}", ctx, seen)
    return values


def check_child(child: Child, raw, path: str, ctx, seen: dict) -> None:
    """Check a child value: each row, and that no two rows have the same identity. `seen` is
    shared by the children of one group (a duty may not be both required and preferred)."""
    if child.shape == "object":
        if raw is None:
            return
        if isinstance(raw, dict):
            _check_row(child, raw, path, ctx)
        else:
            ctx.error(path, _("must be an object or null"))
        return
    if not is_list(raw):
        ctx.error(path, _("must be a list"))
        return
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if child.shape == "codes":
            identity = _check(child.fields[0], item, item_path, ctx)
            if identity is _FAILED:
                continue
        elif not isinstance(item, dict):
            ctx.error(item_path, _("must be an object"))
            continue
        else:
            row = _check_row(child, item, item_path, ctx)
            if row is None:
                continue
            identity = child.identify(row)
        first = seen.setdefault(identity, (child.key, index))
        if first != (child.key, index):
            what = ", ".join(
                f"{key} {show(value)}" if key else show(value)
                for key, value in zip(child.identity, child.identity_values(identity), strict=True)
            )
            ctx.error(
                item_path,
                _("duplicate entry: %(what)s (also at %(first)s)")
                % {"what": what, "first": "{}[{}]".format(*first)},
            )


def _check_row(child: Child, raw: dict, path: str, ctx) -> dict | None:
    """A child row is complete: a key it leaves out takes the model's default."""
    if not raw.keys() <= child.layout.keys():
        check_keys(child.layout, raw, path, ctx)
    row, ok = {}, True
    for field in child.fields:
        if field.key not in raw:
            if field.required:
                ctx.error(f"{path}.{field.key}", _("is required"))
                ok = False
            row[field.key] = field.default
            continue
        value = _check(field, raw[field.key], f"{path}.{field.key}", ctx)
        if value is _FAILED:
            ok = False
        row[field.key] = value
    if not ok:
        return None
    for check in child.checks:
        if not check.ok(*(row[key] for key in check.keys)):
            ctx.error(f"{path}.{check.key}" if check.key else path, check.message())
    return row


def iter_records(data: dict, target: Entity) -> Iterator[tuple[dict, str | None]]:
    """Every raw record of one entity in a validated document, with its parent's key."""
    if target.name not in PARENTS:
        yield from ((raw, None) for raw in data.get(target.name) or [])
        return
    parent = PARENTS[target.name]
    for raw_parent, _grandparent in iter_records(data, parent):
        for raw in raw_parent.get(target.name) or []:
            yield raw, raw_parent[parent.key_attr]


def count_records(data: dict) -> dict[str, int]:
    """Records per entity name of a validated document (nested ones counted by walking)."""
    counts = {spec.name: len(data.get(spec.name) or []) for spec in SECTIONS}
    for parent in PARENTS.values():
        for nested in parent.nested:
            counts[nested.name] = sum(1 for _record in iter_records(data, nested))
    return counts
