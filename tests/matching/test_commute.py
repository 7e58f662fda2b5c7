"""Postal code → municipality point, offline; distance → minutes; a pluggable estimator."""

import socket
from dataclasses import dataclass

import numpy as np
import pytest

from jobs.matching.breakdown import explain
from jobs.matching.commute import (
    CommuteEstimator,
    RailCommuteModel,
    location_for_postal_code,
    municipality_location,
    normalize_postal_code,
)
from jobs.matching.engine import rank_registrants_for_jobs
from jobs.matching.matrices import JobMatrix, RegistrantMatrix

from .builders import TODAY, job, profile


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the postal-code lookup must not use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_postal_code_resolves_to_its_municipality_offline(no_network):
    location_for_postal_code.cache_clear()
    lat, lon = location_for_postal_code("100-0001")  # 東京都千代田区千代田
    assert lat == pytest.approx(35.694, abs=0.01) and lon == pytest.approx(139.754, abs=0.01)


def test_postal_code_forms_are_normalized():
    assert normalize_postal_code("〒１００ー０００１") == "1000001"
    assert normalize_postal_code("100-001") is None
    assert location_for_postal_code("〒100-0001") == location_for_postal_code("1000001")


def test_unknown_postal_code_has_no_location():
    assert location_for_postal_code("0000000") is None
    assert location_for_postal_code("abc") is None


def test_designated_city_ward_resolves_to_the_city():
    assert municipality_location("神奈川県", "横浜市中区") == municipality_location(
        "神奈川県", "横浜市"
    )
    assert location_for_postal_code("231-0023") == municipality_location("神奈川県", "横浜市")


@pytest.mark.parametrize(
    ("prefecture", "spelled", "listed"),
    [
        ("東京都", "三宅島三宅村", "三宅村"),
        ("兵庫県", "丹波篠山市", "篠山市"),
        ("高知県", "高岡郡檮原町", "梼原町"),
        ("福岡県", "糟屋郡須惠町", "須恵町"),
        ("北海道", "余市郡余市町", "余市町"),
    ],
)
def test_japan_post_spellings_resolve_to_the_listed_municipality(prefecture, spelled, listed):
    assert municipality_location(prefecture, spelled) == municipality_location(prefecture, listed)


def test_unlisted_municipality_falls_back_to_the_prefecture():
    fallback = municipality_location("東京都", "架空市")
    assert fallback is not None and 35.5 < fallback[0] < 35.8  # not dragged out to the islands


def test_rail_model_minutes_from_distance():
    model = RailCommuteModel()
    assert model.minutes((35.0, 139.0), (35.0, 139.0)) == 15.0
    twenty_km_north = (35.0 + 20 / 111.195, 139.0)
    assert model.minutes((35.0, 139.0), twenty_km_north) == pytest.approx(52.5, abs=0.01)


def test_rail_model_pairwise_agrees_with_single_pairs():
    model = RailCommuteModel()
    origins = np.array([(35.69, 139.70), (35.61, 140.11)])
    destinations = np.array([(35.66, 139.70), (35.26, 139.15)])
    pairwise = model.minutes_pairwise(origins, destinations)
    singles = [
        model.minutes(tuple(o), tuple(d)) for o, d in zip(origins, destinations, strict=True)
    ]
    assert pairwise.tolist() == pytest.approx(singles, rel=1e-12)


@dataclass(frozen=True)
class _FlatEstimator:
    minutes_each: float

    def minutes(self, origin, destination):
        return self.minutes_each

    def minutes_pairwise(self, origins, destinations):
        return np.full(len(origins), self.minutes_each)


def test_a_route_engine_can_replace_the_rail_model():
    flat = _FlatEstimator(100.0)
    assert isinstance(flat, CommuteEstimator)
    result = explain(profile(), job(), TODAY, flat)
    assert result.factors["commute"] == pytest.approx(7 * (2 - 100 / 60), abs=0.01)
    R, J = RegistrantMatrix.from_profiles([profile()]), JobMatrix.from_jobs([job()])
    [ranking] = rank_registrants_for_jobs(R, J, today=TODAY, estimator=flat)
    assert ranking.scores.tolist() == [result.score]
