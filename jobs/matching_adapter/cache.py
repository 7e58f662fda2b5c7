"""The matrices a worker keeps between tasks: building the registrant matrix of 100,000
registrants costs seconds, ranking one case milliseconds."""

import threading
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max, Sum

from registrants.models import DirectEmployment, DutyExperience, Registrant

from ..matching import (
    JobMatrix,
    RegistrantMatrix,
)
from ..matching.batch import paused_gc
from ..models import Assignment, Job
from .loading import job_cases, registrant_columns

_cache_lock = threading.Lock()
_cache: dict[str, object] = {}


def _open_jobs_version() -> tuple:
    return tuple(Job.objects.open().aggregate(n=Count("pk"), at=Max("updated_at")).values())


def _cached(key: str, version: tuple, build):
    with _cache_lock:
        found = _cache.get(key)
        if found and found[0] == version:
            return found[1]
        value = build()
        _cache[key] = (version, value)
        return value


# A registrant's child rows, each tallied by (rows, sum of a column).
_CHILD_TABLES = {
    "experience": (DutyExperience, "months"),
    "assignments": (Assignment, "pk"),
    "employment": (DirectEmployment, "pk"),
}
# More changed registrants than this since the matrix was built: build it again.
DELTA_LIMIT = 2_000


def _child_totals(excluding: list[int]) -> dict[str, tuple[int, int]]:
    totals = {}
    for name, (model, column) in _CHILD_TABLES.items():
        found = model.objects.exclude(registrant_id__in=excluding).aggregate(
            n=Count("pk"), total=Sum(column)
        )
        totals[name] = (found["n"], int(found["total"] or 0))
    return totals


@dataclass(frozen=True)
class _Snapshot:
    """A worker's registrant matrix and what it was built from."""

    R: RegistrantMatrix
    related: dict
    count: int
    stamp: object  # the latest updated_at among the registrants it holds
    totals: dict[str, tuple[int, int]]
    tallies: dict[str, tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Part:
    """Registrants to rank: a matrix, who worked where, and rows to leave out (stale)."""

    R: RegistrantMatrix
    related: dict
    excluded: np.ndarray | None = None


def _head() -> tuple[int, object]:
    found = Registrant.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return found["n"], found["at"]


def _build_snapshot(count: int, stamp) -> _Snapshot:
    """The matrix of every registrant; ``count`` and ``stamp`` are ``_head()`` read before."""
    with paused_gc():
        totals = _child_totals([])
        loaded = registrant_columns()
        R = loaded.matrix()
        return _Snapshot(R, _related_registrants(R), count, stamp, totals, loaded.tallies)


def registrant_parts(*, consolidate: bool = False) -> list[Part]:
    """The registrants as one cached matrix, or as the cached matrix without the rows of the
    registrants changed since it was built plus a small matrix of those.

    Building the matrix of 100,000 registrants costs seconds; a profile edit must not make the
    next case wait for that. Every service that changes a profile moves the registrant's
    ``updated_at`` (``queue_rank_registrant``); the child tables' tallies over everybody else
    must still be what they were, or something changed behind the services' back (an import)
    and the matrix is built again. So is it after a deletion, past ``DELTA_LIMIT`` changes, and
    when ``consolidate`` asks (the nightly recompute)."""
    with _cache_lock:
        snapshot = _cache.get("registrants")
        count, stamp = _head()
        fresh = (
            snapshot is not None
            and (count, stamp) == (snapshot.count, snapshot.stamp)
            and _child_totals([]) == snapshot.totals
        )
        if fresh:
            return [Part(snapshot.R, snapshot.related)]
        if snapshot is not None and not consolidate:
            delta = _delta(snapshot, count, stamp)
            if delta is not None:
                return delta
        snapshot = _cache["registrants"] = _build_snapshot(count, stamp)
        _cache.pop("delta", None)
        return [Part(snapshot.R, snapshot.related)]


def _delta(snapshot: _Snapshot, count: int, stamp) -> list[Part] | None:
    """The snapshot's parts with the registrants changed since it was built, or None when the
    snapshot cannot be patched."""
    if snapshot.stamp is None:  # built when there was nobody
        return None
    changed = list(
        Registrant.objects.filter(updated_at__gt=snapshot.stamp).values_list("pk", flat=True)
    )
    if not changed or len(changed) > DELTA_LIMIT:
        return None
    rows = [snapshot.R.index_of(pk) for pk in changed]
    stale = np.array([row for row in rows if row is not None], dtype=np.int64)
    if count != len(snapshot.R) + len(changed) - stale.size:  # somebody was deleted
        return None
    expected = {
        name: (n - int(rows[stale].sum()), total - int(sums[stale].sum()))
        for name, (n, total) in snapshot.totals.items()
        for rows, sums in [snapshot.tallies[name]]
    }
    if _child_totals(changed) != expected:
        return None
    key = (tuple(sorted(changed)), count, stamp)
    found = _cache.get("delta")
    if found is None or found[0] != key:
        with paused_gc():
            R = registrant_columns(changed).matrix()
            found = _cache["delta"] = (key, Part(R, _related_registrants(R)))
    excluded = np.zeros(len(snapshot.R), dtype=bool)
    excluded[stale] = True
    return [Part(snapshot.R, snapshot.related, excluded), found[1]]


def registrant_matrix() -> RegistrantMatrix:
    """Every registrant as one up-to-date matrix."""
    return registrant_parts(consolidate=True)[0].R


def open_job_matrix() -> JobMatrix:
    return _cached(
        "open_jobs",
        _open_jobs_version(),
        lambda: JobMatrix.from_jobs(job_cases(Job.objects.open())),
    )


def forget_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _related_registrants(R: RegistrantMatrix) -> dict:
    """Registrant indices (sorted arrays) by unit they worked in and by legal entity that
    employed them."""
    related: dict = defaultdict(set)
    for index, profile in enumerate(R.bases):
        for assignment in profile.assignments:
            related[assignment.unit_id].add(index)
        for employment in profile.employment_history:
            related[employment.corporate_number].add(index)
    return {key: np.array(sorted(rows), dtype=np.int64) for key, rows in related.items()}
