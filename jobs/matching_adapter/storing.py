"""Storing rankings as ``Match`` rows: a diff, so running a ranking twice leaves the same rows."""

import hashlib
import json

from django.db import connection, transaction
from django.utils import timezone

from ..matching import (
    MatchResult,
)
from ..matching.batch import paused_gc
from ..models import Match
from . import loading
from .loading import columns

_STORED_FIELDS = ("score", "eligible", "factors", "caveats", "blocks")


def _store(existing_qs, results: list[MatchResult], *, flag: str, keep_flagged: set | None) -> int:
    """Diff ``results`` (the new members under ``flag``) against ``existing_qs``; returns the
    rows created, changed or deleted.

    Rows that leave the ``flag`` set lose the flag, and are deleted when no flag keeps them.
    ``keep_flagged`` limits which results get the flag (None: all of them). A row's stored
    digest of its values tells whether it changed, so a nightly recompute that finds most
    pairs as they were reads a few integers per row and writes only what changed.
    """
    other = "in_registrant_top" if flag == "in_job_top" else "in_job_top"
    with paused_gc():
        pks, jobs, registrants, digests, flagged, kept = columns(
            existing_qs, "pk", "job_id", "registrant_id", "digest", flag, other
        )
        existing = {
            key: row
            for key, *row in zip(
                zip(jobs, registrants, strict=True), pks, digests, flagged, kept, strict=True
            )
        }
        creates, updates, unflag, removals, seen = [], [], [], [], set()
        for result in results:
            key = (result.job_id, result.registrant_id)
            if key in seen:  # the first result of a pair counts
                continue
            seen.add(key)
            member = keep_flagged is None or key in keep_flagged
            row = existing.get(key)
            if row is None:
                if member:
                    creates.append(_Row(result))
                continue
            pk, digest, was_member, other_keeps = row
            if not member and not other_keeps:
                removals.append(pk)
                continue
            stored = _Row(result)
            if stored.digest != digest or was_member != member:
                updates.append((pk, stored, member))
        for key, (pk, _, was_member, other_keeps) in existing.items():
            if key not in seen and was_member:
                (unflag if other_keeps else removals).append(pk)
        apply = _apply_postgresql if loading.bulk_sql() else _apply_orm
        with transaction.atomic():
            apply(creates, updates, unflag, removals, flag=flag, other=other)
    return len(creates) + len(updates) + len(unflag) + len(removals)


class _Row:
    """One result as stored: its values, their JSON and the digest of that JSON."""

    __slots__ = ("result", "json", "digest")

    def __init__(self, result: MatchResult):
        self.result = result
        self.json = json.dumps(
            [
                result.score,
                result.eligible,
                result.factors,
                [finding.to_dict() for finding in result.caveats],
                [finding.to_dict() for finding in result.blocks],
            ]
        )
        hashed = hashlib.blake2b(self.json.encode(), digest_size=8).digest()
        self.digest = int.from_bytes(hashed, "big", signed=True)

    def values(self) -> dict:
        score, eligible, factors, caveats, blocks = json.loads(self.json)
        return {
            "score": score,
            "eligible": eligible,
            "factors": factors,
            "caveats": caveats,
            "blocks": blocks,
            "digest": self.digest,
        }


def _apply_orm(creates, updates, unflag, removals, *, flag: str, other: str) -> None:
    now = timezone.now()
    Match.objects.bulk_create(
        [
            Match(
                job_id=row.result.job_id,
                registrant_id=row.result.registrant_id,
                computed_at=now,
                **row.values(),
                **{flag: True, other: False},
            )
            for row in creates
        ],
        batch_size=2000,
    )
    changed = []
    for pk, row, member in updates:
        match = Match(pk=pk, computed_at=now, **row.values(), **{flag: member})
        changed.append(match)
    fields = [*_STORED_FIELDS, "digest", flag, "computed_at"]
    Match.objects.bulk_update(changed, fields, batch_size=1000)
    for lo in range(0, max(len(unflag), len(removals)), 5000):
        Match.objects.filter(pk__in=unflag[lo : lo + 5000]).update(**{flag: False}, computed_at=now)
        Match.objects.filter(pk__in=removals[lo : lo + 5000]).delete()


_CHUNK = 20_000


def _apply_postgresql(creates, updates, unflag, removals, *, flag: str, other: str) -> None:
    """``_apply_orm`` with the rows sent as one JSON array per statement (the ORM builds a
    model instance per row: a minute for a first recompute of a large agency)."""
    now = timezone.now()
    quote = connection.ops.quote_name
    table, flag, other = quote(Match._meta.db_table), quote(flag), quote(other)
    columns = "(e->>2)::double precision, (e->>3)::boolean, e->4, e->5, e->6, (e->>7)::bigint"
    with connection.cursor() as cursor:
        for lo in range(0, len(creates), _CHUNK):
            rows = ",".join(
                f"[{row.result.job_id},{row.result.registrant_id},{row.json[1:-1]},{row.digest}]"
                for row in creates[lo : lo + _CHUNK]
            )
            cursor.execute(
                f"INSERT INTO {table} (job_id, registrant_id, score, eligible, factors, "
                f"caveats, blocks, digest, computed_at, {flag}, {other}) "
                f"SELECT (e->>0)::bigint, (e->>1)::bigint, {columns}, %s, true, false "
                "FROM jsonb_array_elements(%s::jsonb) AS e",
                [now, f"[{rows}]"],
            )
        for lo in range(0, len(updates), _CHUNK):
            rows = ",".join(
                f"[{pk},{'true' if member else 'false'},{row.json[1:-1]},{row.digest}]"
                for pk, row, member in updates[lo : lo + _CHUNK]
            )
            cursor.execute(
                f"UPDATE {table} AS m SET score = (e->>2)::double precision, "
                "eligible = (e->>3)::boolean, factors = e->4, caveats = e->5, blocks = e->6, "
                f"digest = (e->>7)::bigint, {flag} = (e->>1)::boolean, computed_at = %s "
                "FROM jsonb_array_elements(%s::jsonb) AS e WHERE m.id = (e->>0)::bigint",
                [now, f"[{rows}]"],
            )
        if unflag:
            cursor.execute(
                f"UPDATE {table} SET {flag} = false, computed_at = %s WHERE id = ANY(%s)",
                [now, unflag],
            )
        if removals:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [removals])


def store_for_jobs(*, job_ids: list[int], closed: set[int], results: list[MatchResult]) -> int:
    if closed:
        Match.objects.filter(job_id__in=closed).delete()
    if not job_ids:
        return 0
    return _store(
        Match.objects.filter(job_id__in=job_ids), results, flag="in_job_top", keep_flagged=None
    )


def store_for_registrant(*, registrant_id: int, top: set[int], results: list) -> int:
    return _store(
        Match.objects.filter(registrant_id=registrant_id),
        results,
        flag="in_registrant_top",
        keep_flagged={(job_id, registrant_id) for job_id in top},
    )
