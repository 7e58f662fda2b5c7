"""Validate a whole nakadachi/v1 document before anything is written.

Every problem is collected with its path (``registrants[3].experience[0].months: must be 0 or
more``), in document order. References resolve against the file and the database: the refs (or
codes) and primary keys of a kind are read with one query the first time the file refers to that
kind, never once per record; the writer reuses these maps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from staffing.models import User

from .fields import Check, Entity
from .records import check_keys, count_records, is_list, lookup, parse_record
from .schema import FORMAT, KINDS, SECTIONS, kind_label
from .types import show

Progress = Callable[[str, int, int], None]
_CHUNK = 5_000
_PROGRESS_EVERY = 10_000


class ImportFailed(Exception):
    """The document was not imported; nothing was written. `errors` has one line per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class ImportRefused(ImportFailed):
    """The file as a whole is refused (not JSON, no format marker, too large): one line."""

    def __init__(self, message: str):
        super().__init__([message])


@dataclass
class Plan:
    """What the writer needs from validation."""

    maps: dict[str, dict[str, int]]  # kind → {ref: pk} of the stored records of kinds referred to
    warnings: list[str]
    totals: dict[str, int]  # records per entity name


class _Deferred(NamedTuple):
    """A cross-field check of a record that left one of its keys out."""

    seq: int
    path: str
    key: str
    values: dict
    check: Check


@dataclass
class Collector:
    """The validation context the field types report to."""

    problems: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seen: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    stored: dict[str, dict[str, int]] = field(default_factory=dict)
    pending: dict[str, dict[str, list]] = field(default_factory=lambda: defaultdict(dict))
    staff: dict[str, dict] | None = None
    deferred: dict[Entity, list[_Deferred]] = field(default_factory=dict)
    unique: dict[tuple[str, str], dict] = field(default_factory=lambda: defaultdict(dict))
    _seq: int = 0

    def next(self) -> int:
        self._seq += 1
        return self._seq

    def error(self, path: str, message: str, seq: int | None = None) -> None:
        self.problems.append((seq or self.next(), f"{path}: {message}" if path else message))

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(f"{path}: {message}")

    def refer(self, kind: str, ref: str, path: str) -> None:
        """A reference resolves to a record of the file or of the database. One defined later
        in the file is only known at the end, so an unknown one waits until then."""
        if ref in self.seen[kind] or ref in self._stored(kind):
            return
        self.pending[kind].setdefault(ref, []).append((self.next(), path))

    def _stored(self, kind: str) -> dict[str, int]:
        if kind not in self.stored:  # one query per kind, on first use
            model, key_attr = KINDS[kind]
            self.stored[kind] = dict(model.objects.values_list(key_attr, "pk"))
        return self.stored[kind]

    def staff_problem(self, email: str, role_attr: str) -> str | None:
        if self.staff is None:
            self.staff = {
                row["email"].lower(): row
                for row in User.objects.filter(is_registrant=False).values(
                    "pk", "email", "is_case_sales", "is_service_sales"
                )
            }
        user = self.staff.get(email)
        if user is None:
            return _("unknown staff e-mail %(email)s") % {"email": show(email)}
        if not user[role_attr]:
            role = User._meta.get_field(role_attr).verbose_name
            return _("%(email)s is not a staff user with the role %(role)s") % {
                "email": show(email),
                "role": show(str(role)),
            }
        return None


def check_format(data) -> None:
    if not isinstance(data, dict):
        raise ImportRefused(
            _("not a %(format)s document: it must be a JSON object") % {"format": FORMAT}
        )
    if "format" not in data:
        raise ImportRefused(
            _('not a %(format)s document: "format" is missing') % {"format": FORMAT}
        )
    if data["format"] != FORMAT:
        raise ImportRefused(
            _('not a %(format)s document: "format" is %(value)s')
            % {"format": FORMAT, "value": show(data["format"])}
        )


def validate_document(data, *, progress: Progress | None = None) -> Plan:
    """Check everything; raise ImportFailed listing every problem, or return the plan."""
    check_format(data)
    ctx = Collector()
    check_keys({"format": None, **{spec.name: None for spec in SECTIONS}}, data, "", ctx)
    for spec in SECTIONS:
        records = data.get(spec.name, [])
        if not is_list(records):
            ctx.error(spec.name, _("must be a list"))
            continue
        for index, raw in enumerate(records, start=1):
            _validate_record(spec, raw, f"{spec.name}[{index - 1}]", ctx)
            if progress and (index % _PROGRESS_EVERY == 0 or index == len(records)):
                progress(f"validate {spec.name}", index, len(records))
    _check_pending(ctx)
    _check_unique(ctx)
    _finish_checks(ctx)
    if ctx.problems:
        raise ImportFailed([message for _seq, message in sorted(ctx.problems)])
    maps = dict(ctx.stored)
    maps["staff"] = {email: row["pk"] for email, row in (ctx.staff or {}).items()}
    return Plan(maps=maps, warnings=ctx.warnings, totals=count_records(data))


def _validate_record(spec: Entity, raw, path: str, ctx: Collector) -> None:
    values = parse_record(spec, raw, path, ctx)
    if values is None:
        return
    key = values.get(spec.key_attr)
    if key is not None:
        first = ctx.seen[spec.kind].setdefault(key, path)
        if first != path:
            ctx.error(
                f"{path}.{spec.key_attr}",
                _("duplicate %(what)s %(key)s (also at %(first)s)")
                % {"what": spec.key_attr, "key": show(key), "first": first},
            )
    for check in spec.checks:
        if all(k in values for k in check.keys):
            if not check.ok(*(values[k] for k in check.keys)):
                ctx.error(f"{path}.{check.key}" if check.key else path, check.message())
        elif key is not None:
            # a key left out keeps its stored value: the database has the other half
            deferred = _Deferred(ctx.next(), path, key, values, check)
            ctx.deferred.setdefault(spec, []).append(deferred)
    for name in spec.unique:
        if name in values:
            ctx.unique[(spec.name, name)].setdefault(values[name], []).append(
                (ctx.next(), path, key)
            )
    for nested in spec.nested:
        present, records = lookup(raw, nested.name)
        if not present:
            continue
        if not is_list(records):
            ctx.error(f"{path}.{nested.name}", _("must be a list"))
            continue
        for index, nested_raw in enumerate(records):
            _validate_record(nested, nested_raw, f"{path}.{nested.name}[{index}]", ctx)


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_pending(ctx: Collector) -> None:
    for kind, wanted in ctx.pending.items():
        for ref, uses in wanted.items():
            if ref not in ctx.seen[kind]:
                for seq, path in uses:
                    ctx.error(
                        path,
                        _("unknown %(label)s %(ref)s")
                        % {"label": kind_label(kind), "ref": show(ref)},
                        seq,
                    )


def _check_unique(ctx: Collector) -> None:
    """Values unique across a table (a client's corporate number): in the file and against the
    records of the database the file does not change."""
    for (name, attr), by_value in ctx.unique.items():
        spec = next(s for s in SECTIONS if s.name == name)
        for value, uses in by_value.items():
            for seq, path, _key in uses[1:]:
                ctx.error(
                    f"{path}.{attr}",
                    _("duplicate %(what)s %(value)s (also at %(first)s)")
                    % {"what": attr, "value": show(value), "first": uses[0][1]},
                    seq,
                )
        taken: dict = {}
        for chunk in _chunks(list(by_value)):
            taken.update(
                (value, key)
                for value, key in spec.model.objects.filter(**{f"{attr}__in": chunk}).values_list(
                    attr, spec.key_attr
                )
                if key not in ctx.seen[spec.kind]
            )
        for value, owner in taken.items():
            seq, path, _key = by_value[value][0]
            ctx.error(
                f"{path}.{attr}",
                _("%(value)s already belongs to %(label)s %(owner)s")
                % {"value": show(value), "label": kind_label(spec.kind), "owner": show(owner)},
                seq,
            )


def _finish_checks(ctx: Collector) -> None:
    """Cross-field checks of records that left one of the keys out: the stored value counts,
    or the model's default for a record the file creates."""
    for spec, entries in ctx.deferred.items():
        fields = {f.key: f for f in spec.fields}
        attrs = sorted({fields[k].attrs[0] for entry in entries for k in entry.check.keys})
        stored = {}
        for chunk in _chunks(sorted({entry.key for entry in entries})):
            rows = spec.model.objects.filter(**{f"{spec.key_attr}__in": chunk})
            for row in rows.values(spec.key_attr, *attrs):
                stored[row[spec.key_attr]] = row
        for entry in entries:
            row = stored.get(entry.key)
            args = [
                entry.values[k]
                if k in entry.values
                else fields[k].default
                if row is None
                else row[fields[k].attrs[0]]
                for k in entry.check.keys
            ]
            if not entry.check.ok(*args):
                path = f"{entry.path}.{entry.check.key}" if entry.check.key else entry.path
                ctx.error(path, entry.check.message(), entry.seq)


def problems_summary(errors: list[str]) -> str:
    return ngettext(
        "%(n)d problem; nothing was imported", "%(n)d problems; nothing was imported", len(errors)
    ) % {"n": len(errors)}
