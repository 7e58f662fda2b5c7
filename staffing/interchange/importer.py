"""Write a validated document in one transaction.

Records are upserted by ref (or code) batch by batch: one query finds the batch's existing rows,
new ones go in with bulk_create, changed ones with bulk_update, unchanged ones are not touched.
Child rows (experience, history, assignments, duties of a case, skills …) are diffed by their
identity against what is stored, so a second import of the same file writes nothing at all.
The records were validated before, so the writer only converts (`Type.loader`), never checks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, connections, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from registrants.models import Registrant

from .fields import Child, Entity
from .records import iter_records, lookup
from .schema import PARENTS, WRITE_ORDER
from .validation import ImportFailed, Progress, validate_document

BATCH = 1_000
ANALYZE_AFTER_ROWS = 10_000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class ImportResult:
    """Per record type ("registrants") and child list ("registrants.experience")."""

    counts: dict[str, Counts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rows_written: Counter = field(default_factory=Counter)  # database table → rows

    def count(self, name: str) -> Counts:
        return self.counts.setdefault(name, Counts())

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.deleted for c in self.counts.values())

    def summary(self) -> list[str]:
        return [
            _(
                "%(name)s: %(created)d created, %(updated)d updated, %(deleted)d deleted, "
                "%(unchanged)d unchanged"
            )
            % {
                "name": name,
                "created": c.created,
                "updated": c.updated,
                "deleted": c.deleted,
                "unchanged": c.unchanged,
            }
            for name, c in self.counts.items()
        ]


def import_document(data: dict, *, progress: Progress | None = None) -> ImportResult:
    """Validate the whole document, then write it; on any problem raise ImportFailed with
    nothing written. `progress(phase, done, total)` is called per phase as records go by."""
    plan = validate_document(data, progress=progress)
    result = ImportResult(warnings=plan.warnings)
    maps: dict[str, dict] = defaultdict(dict, plan.maps)
    try:
        with transaction.atomic():
            for spec in WRITE_ORDER:
                _write(spec, data, maps, result, progress, plan.totals.get(spec.name, 0))
    except (IntegrityError, ProtectedError, RestrictedError) as exc:
        raise ImportFailed(
            [_("the database refused the import; nothing was written: %(error)s") % {"error": exc}]
        ) from exc
    _analyze(result.rows_written)
    return result


def _analyze(rows_written: Counter) -> None:
    """After a large import, refresh PostgreSQL's statistics of the tables it filled: without
    them (autovacuum off, or not yet run) the planner takes a table of a million fresh rows for
    an empty one and scans it whole for every batch of the next import."""
    connection = connections[router.db_for_write(Registrant)]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, rows in rows_written.items():
            if rows >= ANALYZE_AFTER_ROWS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _write(spec: Entity, data: dict, maps, result: ImportResult, progress, total: int) -> None:
    done, batch = 0, []
    for item in iter_records(data, spec):
        batch.append(item)
        if len(batch) == BATCH:
            _write_batch(spec, batch, maps, result)
            done += len(batch)
            batch = []
            if progress:
                progress(f"write {spec.name}", done, total)
    if batch:
        _write_batch(spec, batch, maps, result)
        if progress:
            progress(f"write {spec.name}", done + len(batch), total)


def _write_batch(spec: Entity, batch: list, maps, result: ImportResult) -> None:
    keys = [raw[spec.key_attr] for raw, _parent in batch]
    existing = spec.model.objects.in_bulk(keys, field_name=spec.key_attr)
    loaders = [(f, f.type.loader(maps)) for f in spec.fields]
    parent_map = maps[PARENTS[spec.name].kind] if spec.parent_attr else None
    objs, created, changed, dirty_attrs = [], [], [], set()
    for (raw, parent_key), key in zip(batch, keys, strict=True):
        obj = existing.get(key)
        if obj is None:
            obj = spec.model()
            created.append(obj)
        dirty = _assign(obj, raw, loaders)
        if parent_map is not None and getattr(obj, spec.parent_attr) != parent_map[parent_key]:
            setattr(obj, spec.parent_attr, parent_map[parent_key])
            dirty.add(spec.parent_attr)
        if dirty and key in existing:
            changed.append(obj)
            dirty_attrs |= dirty
        objs.append(obj)
    create_objects(spec.model, created)
    result.rows_written[spec.model._meta.db_table] += len(created) + len(changed)
    if changed:
        if _has_auto_now(spec.model, "updated_at"):
            now = timezone.now()
            for obj in changed:
                obj.updated_at = now
            dirty_attrs.add("updated_at")
        spec.model.objects.bulk_update(changed, sorted(dirty_attrs), batch_size=200)
    counts = result.count(spec.name)
    counts.created += len(created)
    counts.updated += len(changed)
    counts.unchanged += len(existing) - len(changed)
    kind_map = maps[spec.kind]
    for obj, key in zip(objs, keys, strict=True):
        kind_map[key] = obj.pk
    new_pks = {obj.pk for obj in created}
    raws = [raw for raw, _parent in batch]
    for group, children in _groups(spec).items():
        _sync_children(f"{spec.name}.{group}", children, objs, raws, new_pks, maps, result)


def _assign(obj, raw: dict, loaders: list) -> set[str]:
    """Set the record's values on the instance; return the attributes that changed."""
    dirty = set()
    for f, load in loaders:
        present, value = lookup(raw, f.key)
        if not present:
            continue  # a key left out keeps the stored value (or the default, for a new row)
        if load is not None:
            value = load(value)
        if f.setter:
            before = [getattr(obj, attr) for attr in f.writes]
            getattr(obj, f.setter)(value)
            dirty.update(
                a for a, old in zip(f.writes, before, strict=True) if getattr(obj, a) != old
            )
            continue
        pairs = zip(f.attrs, value, strict=True) if len(f.attrs) > 1 else [(f.attrs[0], value)]
        for attr, new in pairs:
            if getattr(obj, attr) != new:
                setattr(obj, attr, new)
                dirty.add(attr)
    return dirty


def _has_auto_now(model, name: str) -> bool:
    return any(f.name == name and getattr(f, "auto_now", False) for f in model._meta.fields)


def _groups(spec: Entity) -> dict[str, list[Child]]:
    groups: dict[str, list[Child]] = {}
    for child in spec.children:
        groups.setdefault(child.group or child.key, []).append(child)
    return groups


def _row_reader(child: Child, columns: tuple[str, ...], maps) -> Callable[[object], list]:
    """A function from the child's JSON value to its rows as tuples in `columns` order."""
    fields = {f.attrs[0]: f for f in child.fields}
    steps = [
        (None, child.fixed[attr], None)
        if attr in child.fixed
        else (fields[attr].key, fields[attr].default, fields[attr].type.loader(maps))
        for attr in columns
    ]
    if child.shape == "codes":
        load = steps[0][2]
        return lambda codes: [(load(code),) for code in codes]

    def row(item: dict) -> tuple:
        values = []
        for key, default, load in steps:
            value = default if key is None else item.get(key, default)
            values.append(value if load is None else load(value))
        return tuple(values)

    if child.shape == "object":
        return lambda value: [] if value is None else [row(value)]
    return lambda items: [row(item) for item in items]


def _sync_children(
    name: str,
    children: list[Child],
    objs: list,
    raws: list[dict],
    new_pks: set,
    maps,
    result: ImportResult,
) -> None:
    """Make the stored rows of each parent that has the key equal to the file's rows.

    Children of one group (a case's required and preferred duties) share a table and are synced
    together; if a record has one of the group's keys, a missing other key means no rows."""
    first = children[0]
    model, parent_attr = first.model, first.parent_attr
    identity = first.identity_attrs
    columns = (*identity, *first.value_attrs)
    n = len(identity)
    readers = [(child.key, _row_reader(child, columns, maps)) for child in children]
    desired: dict[tuple, tuple] = {}
    in_scope = []
    for obj, raw in zip(objs, raws, strict=True):
        found = [
            (read, value)
            for key, read in readers
            for present, value in [lookup(raw, key)]
            if present
        ]
        if not found:
            continue
        in_scope.append(obj.pk)
        for read, value in found:
            for row in read(value):
                desired[(obj.pk, *row[:n])] = row
    if not in_scope:
        return
    stored: dict[tuple, tuple[int, tuple]] = {}
    old_parents = [pk for pk in in_scope if pk not in new_pks]
    for start in range(0, len(old_parents), BATCH):
        rows = model.objects.filter(
            **{f"{parent_attr}__in": old_parents[start : start + BATCH]}
        ).values_list("pk", parent_attr, *columns)
        for pk, parent_pk, *row in rows:
            stored[(parent_pk, *row[:n])] = (pk, tuple(row))
    gone = [pk for key, (pk, _row) in stored.items() if key not in desired]
    to_create, to_update = [], []
    for key, row in desired.items():
        found = stored.get(key)
        if found is None:
            to_create.append((key[0], *row))
        elif found[1] != row:
            to_update.append(
                model(pk=found[0], **{parent_attr: key[0]}, **dict(zip(columns, row, strict=True)))
            )
    for start in range(0, len(gone), BATCH):
        model.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    if to_update:
        model.objects.bulk_update(to_update, list(columns[n:]), batch_size=200)
    insert_rows(model, (parent_attr, *columns), to_create)
    result.rows_written[model._meta.db_table] += len(to_create) + len(to_update) + len(gone)
    counts = result.count(name)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    counts.deleted += len(gone)
    counts.unchanged += len(stored) - len(gone) - len(to_update)


def create_objects(model, objs: list) -> None:
    """bulk_create, primary keys included. On PostgreSQL the keys are taken from the table's
    sequence and the rows go in with COPY: Django's INSERT compiler is most of the cost of
    100,000 registrants of 35 columns each."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
    fields = meta.concrete_fields
    _copy(
        connection,
        meta.db_table,
        [f.column for f in fields],
        (
            tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
            for obj in objs
        ),
    )
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


def insert_rows(model, attrs: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows (no defaults, no signals, no primary keys back). On PostgreSQL with
    COPY, several times faster than bulk_create for the millions of child rows of a big file."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(attrs, row, strict=True))) for row in rows],
            batch_size=5 * BATCH,
        )
        return
    columns = [model._meta.get_field(attr).column for attr in attrs]
    _copy(connection, model._meta.db_table, columns, rows)


def _copy(connection, table: str, columns: list[str], rows) -> None:
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
