"""The requirement check run while a case is written: wording a job posting may not carry.

Data plus one function. Each rule class names the law it comes from; the phrases are what sales
reps actually write. A flagged case cannot be opened until the wording is fixed or the flag is
justified in writing (an age limit under one of the lawful exceptions, positive action).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Flag:
    kind: str  # "age", "sex", "appearance"
    field: str
    phrase: str

    @property
    def message(self) -> str:
        return str(KIND_MESSAGES[self.kind]) % {"phrase": self.phrase}


KIND_MESSAGES = {
    "age": _(
        "“%(phrase)s” limits age: only one of the six exceptions of 労働施策総合推進法9条 allows "
        "that, and the exception must be cited."
    ),
    "sex": _(
        "“%(phrase)s” names a sex: 男女雇用機会均等法5条 forbids sex-specific titles and "
        "preferences (except narrow positive action)."
    ),
    "appearance": _(
        "“%(phrase)s” is a requirement about appearance or physical traits unrelated to the work."
    ),
}

# Written as regular expressions over the case's text; matched case-insensitively.
PATTERNS: dict[str, tuple[str, ...]] = {
    "age": (
        r"\d{2}\s*(?:歳|才)\s*(?:まで|以下|未満|以上|くらい|位|前後)",
        r"\d{2}\s*代(?:の方)?(?:まで|歓迎|活躍|中心|限定|希望)?",
        r"若い(?:方|人)?",
        r"若手",
        r"ヤング",
        r"ミドル",
        r"シニア(?:不可|お断り)",
        r"年齢(?:制限|上限)",
        r"\bunder\s+\d{2}\b",
        r"\b(?:young|youthful)\b",
        r"\bin (?:their|your) (?:20s|30s|twenties|thirties)\b",
    ),
    "sex": (
        r"男性(?:の方)?(?:のみ|限定|歓迎|希望|活躍)?",
        r"女性(?:の方)?(?:のみ|限定|歓迎|希望|活躍)?",
        r"営業マン",
        r"[\w・]*レディ",
        r"[\w・]*ウーマン",
        r"[\w・]*ガール",
        r"[\w・]*ボーイ",
        r"女子",
        r"男子",
        r"主婦(?:歓迎|の方)",
        r"\bOL\b",
        r"\b(?:salesman|salesmen|male only|female only|men only|women only|waitress)\b",
    ),
    "appearance": (
        r"(?:眼鏡|メガネ|めがね)(?:なし|不可|の方不可|NG|をかけていない)",
        r"裸眼",
        r"容姿",
        r"ルックス",
        r"見た目",
        r"顔(?:立ち|写真)",
        r"美人",
        r"イケメン",
        r"身長\s*\d*",
        r"体重",
        r"スタイル(?:の良い|抜群)",
        r"\b(?:no glasses|good[- ]looking|attractive|height|weight)\b",
    ),
}
_COMPILED = {
    kind: [re.compile(pattern, re.IGNORECASE) for pattern in patterns]
    for kind, patterns in PATTERNS.items()
}


# One search tells whether a text has anything to flag at all; most texts have not.
_ANY = re.compile("|".join(p for patterns in PATTERNS.values() for p in patterns), re.IGNORECASE)


def check_requirements(texts: dict[str, str]) -> list[Flag]:
    """Every flagged phrase in the named texts (field name → text), in field order, once each."""
    flags: list[Flag] = []
    seen: set[tuple[str, str]] = set()
    for field, text in texts.items():
        if not text or not _ANY.search(text):
            continue
        for kind, patterns in _COMPILED.items():
            for pattern in patterns:
                for found in pattern.finditer(text or ""):
                    phrase = found.group(0).strip()
                    if (kind, phrase) in seen or not phrase:
                        continue
                    seen.add((kind, phrase))
                    flags.append(Flag(kind=kind, field=field, phrase=phrase))
    return flags


def job_texts(
    *, title: str, description: str, dress_code: str, notes: str | None = None
) -> dict[str, str]:
    """The texts of a case that a posting or a proposal repeats, including its confidential notes
    (None: it has none): an unlawful preference written only in the notes is still a preference."""
    texts = {"title": title, "description": description, "dress_code": dress_code}
    if notes is not None:
        texts["notes"] = notes
    return texts
