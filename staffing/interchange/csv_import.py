"""CSV import: one registrant or one job case per row.

Each row becomes a nakadachi/v1 record and the document goes through the same validation and the
same writer as a JSON file, all or nothing. The columns come from the record specs (a dotted key
becomes a column with "_": desired.min_hourly_wage → desired_min_hourly_wage); multi-valued
cells hold entries separated by ";" with parts separated by ":" (`duty:months:last_year`).
Problems name the line and the column: ``line 4, column experience (entry 1, months): …``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .fields import Child, Entity, Field
from .files import read_limited
from .importer import ImportResult, import_document
from .schema import FORMAT, JOBS, REGISTRANTS
from .types import MISSING
from .validation import ImportFailed, ImportRefused, Progress, validate_document

CSV_KINDS = {"registrants": REGISTRANTS, "jobs": JOBS}


@dataclass(frozen=True)
class Column:
    name: str
    key: str  # the JSON key the column fills (dotted inside objects)
    member: Field | Child
    inner: Field | None = None  # the field inside a one-object child (confidential_team)


def columns(spec: Entity) -> list[Column]:
    found = []
    for member in spec.members:
        if isinstance(member, Field):
            found.append(Column(member.column, member.key, member))
        elif isinstance(member, Child) and member.shape == "object":
            found.extend(
                Column(f"{member.key}_{f.key}", f"{member.key}.{f.key}", member, f)
                for f in member.fields
            )
        elif isinstance(member, Child):
            found.append(Column(member.key.replace(".", "_"), member.key, member))
    return found


def read_csv_document(
    path: str, kind: str, *, encoding: str = "utf-8-sig"
) -> tuple[dict, list[int]]:
    """The v1 document of a CSV file, and the line each record starts on."""
    spec = CSV_KINDS[kind]
    raw = read_limited(path)
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImportRefused(
            _(
                "%(name)s is not %(encoding)s text (%(error)s); a file saved by Excel as "
                "Shift_JIS needs --encoding cp932"
            )
            % {"name": path, "encoding": encoding, "error": exc}
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        if not header:
            raise ImportRefused(
                _("%(name)s is empty: the first line must name the columns") % {"name": path}
            )
        by_name = {column.name: column for column in columns(spec)}
        _check_header(header, by_name)
        records, lines, errors = [], [], []
        previous = reader.line_num
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                errors.append(
                    _(
                        "line %(line)d: %(cells)d cells, but the first line names %(columns)d "
                        "columns"
                    )
                    % {"line": start, "cells": len(cells), "columns": len(header)}
                )
                continue
            records.append(_record([by_name[name] for name in header], cells))
            lines.append(start)
    except csv.Error as exc:
        raise ImportRefused(
            _("%(name)s is not CSV: line %(line)d: %(error)s")
            % {"name": path, "line": reader.line_num, "error": exc}
        ) from None
    if errors:
        raise ImportFailed(errors)
    return {"format": FORMAT, kind: records}, lines


def import_csv(
    path: str,
    kind: str,
    *,
    encoding: str = "utf-8-sig",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult | None:
    """Import a CSV file of registrants or jobs; ImportFailed names lines and columns."""
    document, lines = read_csv_document(path, kind, encoding=encoding)
    try:
        if dry_run:
            validate_document(document, progress=progress)
            return None
        return import_document(document, progress=progress)
    except ImportFailed as exc:
        located = [locate(error, kind, lines) for error in exc.errors]
        raise ImportFailed(located) from None


def _check_header(header: list[str], by_name: dict[str, Column]) -> None:
    errors, seen = [], set()
    for name in header:
        if name not in by_name:
            errors.append(_("line 1, column %(name)s: unknown column") % {"name": name})
        elif name in seen:
            errors.append(_("line 1, column %(name)s: appears twice") % {"name": name})
        seen.add(name)
    for column in by_name.values():
        if isinstance(column.member, Field) and column.member.required and column.name not in seen:
            errors.append(_('line 1: missing column "%(name)s"') % {"name": column.name})
    if errors:
        raise ImportFailed(errors)


def _record(row_columns: list[Column], cells: list[str]) -> dict:
    record: dict = {}
    parts: dict[str, dict] = {}  # one-object children (confidential), filled column by column
    filled: set[str] = set()
    for column, cell in zip(row_columns, cells, strict=True):
        member = column.member
        if isinstance(member, Field):
            value = member.type.from_cell(cell)
            if value is not MISSING:
                _put(record, member.key, value)
        elif column.inner is not None:
            value = column.inner.type.from_cell(cell)
            part = parts.setdefault(member.key, {})
            if value is not MISSING:
                part[column.inner.key] = value
            if cell.strip():
                filled.add(member.key)
        elif member.shape == "codes":
            _put(record, member.key, [code.strip() for code in cell.split(";") if code.strip()])
        else:
            _put(
                record,
                member.key,
                [_entry(member, entry) for entry in cell.split(";") if entry.strip()],
            )
    for key, part in parts.items():
        # every cell of the part empty: the case has no such part
        record[key] = part if key in filled else None
    return record


def _entry(child: Child, text: str) -> dict:
    fields = {f.key: f for f in child.fields}
    parts = text.split(":", len(child.cell_parts) - 1)
    entry = {}
    for key, part in zip(child.cell_parts, parts, strict=False):
        value = fields[key].type.from_cell(part.strip())
        if value is not MISSING:
            entry[key] = value
    return entry


def _put(record: dict, key: str, value) -> None:
    top, _dot, rest = key.partition(".")
    if rest:
        record.setdefault(top, {})[rest] = value
    else:
        record[top] = value


def locate(error: str, kind: str, lines: list[int]) -> str:
    """A validation path as a place in the CSV file: `registrants[3].experience[0].months: …`
    → `line 5, column experience (entry 1, months): …`."""

    def relines(text: str) -> str:
        return re.sub(
            rf"\b{kind}\[(\d+)\]", lambda m: _("line %(line)d") % {"line": lines[int(m[1])]}, text
        )

    path, _sep, message = error.partition(": ")
    match = re.fullmatch(rf"{kind}\[(\d+)\]\.?(.*)", path)
    if match is None:
        return relines(error)
    line, rest, message = lines[int(match[1])], match[2], relines(message)
    if not rest:
        return _("line %(line)d: %(message)s") % {"line": line, "message": message}
    for column in sorted(columns(CSV_KINDS[kind]), key=lambda c: -len(c.key)):
        if rest == column.key or rest.startswith((column.key + "[", column.key + ".")):
            return _("line %(line)d, column %(column)s%(entry)s: %(message)s") % {
                "line": line,
                "column": column.name,
                "entry": _entry_text(rest[len(column.key) :]),
                "message": message,
            }
    return _("line %(line)d, %(key)s: %(message)s") % {
        "line": line,
        "key": rest,
        "message": message,
    }


def _entry_text(sub: str) -> str:
    """ "[0].months" → " (entry 1, months)"; "[2]" → " (entry 3)"; "" → ""."""
    match = re.fullmatch(r"\[(\d+)\]\.?(.*)", sub)
    if match is None:
        return f" ({sub.lstrip('.')})" if sub else ""
    number = int(match[1]) + 1
    if match[2]:
        return _(" (entry %(n)d, %(key)s)") % {"n": number, "key": match[2]}
    return _(" (entry %(n)d)") % {"n": number}
