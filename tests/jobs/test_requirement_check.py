"""The requirement check flags each class of unlawful wording (労働施策総合推進法9条, 均等法5条)."""

import pytest

from jobs.requirement_check import check_requirements


def _flags(text: str) -> list[tuple[str, str]]:
    return [(flag.kind, flag.phrase) for flag in check_requirements({"description": text})]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("35歳までの方", [("age", "35歳まで")]),
        ("20代が活躍中", [("age", "20代")]),
        ("若手を募集", [("age", "若手")]),
        ("Looking for young staff", [("age", "young")]),
    ],
)
def test_age_limits_are_flagged(text, expected):
    assert _flags(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("営業マン募集", [("sex", "営業マン")]),
        ("受付レディ", [("sex", "受付レディ")]),
        ("男性歓迎", [("sex", "男性歓迎")]),
        ("女性のみ", [("sex", "女性のみ")]),
        ("experienced salesman", [("sex", "salesman")]),
    ],
)
def test_sex_specific_titles_and_preferences_are_flagged(text, expected):
    assert _flags(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("コンタクトレンズ販売のため眼鏡不可", [("appearance", "眼鏡不可")]),
        ("メガネなしの方", [("appearance", "メガネなし")]),
        ("容姿端麗な方", [("appearance", "容姿")]),
        ("身長160cm以上", [("appearance", "身長160")]),
        ("no glasses please", [("appearance", "no glasses")]),
    ],
)
def test_appearance_and_physical_conditions_are_flagged(text, expected):
    assert _flags(text) == expected


@pytest.mark.parametrize(
    "text",
    ["年齢不問・未経験歓迎", "経理事務（月次決算補助あり）", "オフィスカジュアル", "Excel中級"],
)
def test_ordinary_wording_is_not_flagged(text):
    assert _flags(text) == []


def test_a_flag_names_the_field_and_explains_the_rule():
    [flag] = check_requirements({"title": "事務", "notes": "メガネなしの方"})
    assert flag.field == "notes"
    assert flag.message == "「メガネなし」は仕事に関係のない容姿や身体的特徴についての条件です。"
