"""Experience as columns: what registrants have done, for 100,000 of them without 1.5 million
tuples, and the duty × registrant matrix of months it becomes (``duty_summary`` for everyone at
once)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import overload

import numpy as np
import scipy.sparse as sp

from .types import Experience, RegistrantProfile


@dataclass(frozen=True, slots=True)
class ExperienceColumns:
    """Experience entries as arrays, by registrant row (each registrant's entries in their own
    order): what the profiles' ``experience`` tuples hold, without building 1.5 million
    tuples for a large agency."""

    codes: tuple[str, ...]
    registrant: np.ndarray  # row in the matrix, ascending
    duty: np.ndarray  # index into codes
    months: np.ndarray
    last_year: np.ndarray  # NaN = unknown

    @classmethod
    def of_profiles(cls, profiles: Sequence[RegistrantProfile]) -> ExperienceColumns:
        index: dict[str, int] = {}
        rows = [
            (i, index.setdefault(code, len(index)), months, math.nan if last is None else last)
            for i, profile in enumerate(profiles)
            for code, months, last in profile.experience
        ]
        table = np.array(rows, dtype=float).reshape(-1, 4)
        return cls(
            tuple(index),
            table[:, 0].astype(np.int64),
            table[:, 1].astype(np.int64),
            table[:, 2].astype(np.int64),
            table[:, 3],
        )

    def entries(self, lo: int, hi: int) -> tuple[Experience, ...]:
        codes = self.codes
        return tuple(
            Experience(codes[duty], months, None if last != last else int(last))
            for duty, months, last in zip(
                self.duty[lo:hi].tolist(),
                self.months[lo:hi].tolist(),
                self.last_year[lo:hi].tolist(),
                strict=True,
            )
        )


class CompletedProfiles(Sequence[RegistrantProfile]):
    """Profiles loaded without their experience, completed from the columns when read."""

    def __init__(self, bases: tuple[RegistrantProfile, ...], experience: ExperienceColumns):
        self._bases = bases
        self._experience = experience
        self._bounds = np.searchsorted(experience.registrant, np.arange(len(bases) + 1)).tolist()

    def __len__(self) -> int:
        return len(self._bases)

    @overload
    def __getitem__(self, index: int) -> RegistrantProfile: ...
    @overload
    def __getitem__(self, index: slice) -> list[RegistrantProfile]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = range(len(self._bases))[index]
        entries = self._experience.entries(self._bounds[row], self._bounds[row + 1])
        return replace(self._bases[row], experience=entries)


def duty_cells(
    experience: ExperienceColumns, n: int
) -> tuple[tuple[str, ...], dict[str, int], sp.csr_array, np.ndarray]:
    """``duty_summary`` of every registrant at once, as a duty × registrant matrix of total
    months (duties with 0 months left out) and the last year of each cell alongside."""
    width = max(len(experience.codes), 1)
    keys = experience.registrant * width + experience.duty
    order = np.argsort(keys, kind="stable")
    cell_keys, starts = np.unique(keys[order], return_index=True)
    if cell_keys.size:
        months = np.add.reduceat(experience.months[order].astype(float), starts)
        last_year = np.fmax.reduceat(experience.last_year[order], starts)  # NaN-aware max
    else:
        months = last_year = np.zeros(0)
    done = months > 0
    cell_keys, months, last_year = cell_keys[done], months[done], last_year[done]
    registrant, duty = np.divmod(cell_keys, width)
    present = np.unique(duty)
    duty_codes = tuple(sorted(experience.codes[d] for d in present.tolist()))
    duty_index = {code: i for i, code in enumerate(duty_codes)}
    code_of = np.zeros(width, dtype=np.int64)
    code_of[present] = [duty_index[experience.codes[d]] for d in present.tolist()]
    duty = code_of[duty]
    # Sorted by (duty, registrant): the CSR data order is known and last years line up.
    order = np.lexsort((registrant, duty))
    indptr = np.searchsorted(duty[order], np.arange(len(duty_codes) + 1))
    matrix = sp.csr_array(
        (months[order], registrant[order].astype(np.int32), indptr), shape=(len(duty_codes), n)
    )
    return duty_codes, duty_index, matrix, last_year[order]
