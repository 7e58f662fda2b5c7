"""Export the database as a nakadachi/v1 document, deterministically.

Records are ordered by ref or code (compared in Python, so the database's collation does not
matter), child lists by their declared order keys, keys in the order of the spec. Exporting,
importing into an empty database and exporting again gives the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.db import connections, router, transaction

from staffing.models import User

from .fields import Child, Entity, Field
from .schema import FORMAT, KINDS, SECTIONS

_CHUNK = 1_000
INDENT = 1  # as the shipped jobs/data/taxonomy.json


def export_document() -> dict:
    """The whole database (minus staff and logins) as one v1 document."""
    with _snapshot():
        rmaps = _reverse_maps()
        document: dict = {"format": FORMAT}
        for spec in SECTIONS:
            document[spec.name] = list(_iter_section(spec, rmaps))
    return document


def dumps(document: dict) -> str:
    """The canonical text of a document: what `write_document` streams."""
    return json.dumps(document, ensure_ascii=False, indent=INDENT) + "\n"


def write_document(stream: IO[str]) -> dict[str, int]:
    """Stream the export to `stream`, record by record, in exactly the text of
    `dumps(export_document())` without holding the whole document in memory.
    Returns the number of records per list."""
    counts = {}
    pad = " " * (2 * INDENT)
    with _snapshot():
        rmaps = _reverse_maps()
        stream.write("{\n" + " " * INDENT + json.dumps("format") + ": " + json.dumps(FORMAT))
        for spec in SECTIONS:
            stream.write(",\n" + " " * INDENT + json.dumps(spec.name) + ": [")
            count = 0
            for record in _iter_section(spec, rmaps):
                text = json.dumps(record, ensure_ascii=False, indent=INDENT)
                stream.write(("\n" if count == 0 else ",\n") + pad + text.replace("\n", "\n" + pad))
                count += 1
            stream.write("\n" + " " * INDENT + "]" if count else "]")
            counts[spec.name] = count
        stream.write("\n}\n")
    return counts


@contextmanager
def _snapshot():
    """On PostgreSQL, one repeatable-read transaction for the whole export, so that an export
    taken while people work is one consistent state (its many queries see the same data).
    Not on SQLite, whose transactions here take the write lock (transaction_mode IMMEDIATE)."""
    connection = connections[router.db_for_read(User)]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _reverse_maps() -> dict[str, dict[int, str]]:
    rmaps = {
        kind: dict(model.objects.values_list("pk", key_attr))
        for kind, (model, key_attr) in KINDS.items()
        if kind not in ("registrant", "client", "establishment")
    }
    rmaps["staff"] = dict(User.objects.values_list("pk", "email"))
    return rmaps


def _iter_section(spec: Entity, rmaps) -> Iterator[dict]:
    ordered = sorted(spec.model.objects.values_list(spec.key_attr, "pk"))
    for start in range(0, len(ordered), _CHUNK):
        pks = [pk for _key, pk in ordered[start : start + _CHUNK]]
        for record, _row in _dump_rows(spec, spec.model.objects.filter(pk__in=pks), rmaps):
            yield record


def _dump_rows(spec: Entity, queryset, rmaps) -> list[tuple[dict, dict]]:
    """(record, stored row) for each row of the queryset, ordered by ref or code."""
    attrs = [attr for f in spec.fields for attr in f.attrs]
    if spec.parent_attr:
        attrs.append(spec.parent_attr)
    rows = sorted(queryset.values("pk", *attrs), key=lambda row: row[spec.key_attr])
    pks = [row["pk"] for row in rows]
    children = {child.key: _child_rows(child, pks, rmaps) for child in spec.children}
    nested = {}
    for inner in spec.nested:
        by_parent = defaultdict(list)
        inner_rows = inner.model.objects.filter(**{f"{inner.parent_attr}__in": pks})
        for record, row in _dump_rows(inner, inner_rows, rmaps):
            by_parent[row[inner.parent_attr]].append(record)
        nested[inner.name] = by_parent
    return [(_dump(spec, row, children, nested, rmaps), row) for row in rows]


def _dump(spec: Entity, row: dict, children: dict, nested: dict, rmaps) -> dict:
    record: dict = {}
    for member in spec.members:
        if isinstance(member, Field):
            raw = (
                tuple(row[a] for a in member.attrs)
                if len(member.attrs) > 1
                else row[member.attrs[0]]
            )
            _put(record, member.key, member.type.export(raw, rmaps))
        elif isinstance(member, Child):
            rows = children[member.key].get(row["pk"], [])
            if member.shape == "object":
                _put(record, member.key, rows[0] if rows else None)
            else:
                _put(record, member.key, rows)
        else:
            record[member.name] = nested[member.name].get(row["pk"], [])
    return record


def _put(record: dict, key: str, value) -> None:
    top, _dot, rest = key.partition(".")
    if rest:
        record.setdefault(top, {})[rest] = value
    else:
        record[top] = value


def _child_rows(child: Child, parent_pks: list[int], rmaps) -> dict[int, list]:
    """parent pk → the child's rows as written in the file, in their stable order."""
    attrs = [f.attrs[0] for f in child.fields]
    filters = {f"{child.parent_attr}__in": parent_pks, **child.fixed}
    by_parent = defaultdict(list)
    for row in child.model.objects.filter(**filters).values(child.parent_attr, *attrs):
        if child.shape == "codes":
            field = child.fields[0]
            by_parent[row[child.parent_attr]].append(field.type.export(row[attrs[0]], rmaps))
        else:
            by_parent[row[child.parent_attr]].append(
                {f.key: f.type.export(row[f.attrs[0]], rmaps) for f in child.fields}
            )
    for rows in by_parent.values():
        if child.shape == "codes":
            rows.sort()
        elif child.order:
            rows.sort(key=lambda r: tuple(r[key] for key in child.order))
    return by_parent
