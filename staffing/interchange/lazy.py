"""Decode a large document one record at a time.

`json.loads` on a file of 100,000 registrants builds every record at once: several times the
file's size in memory. `loads_lazily` reads the top-level object itself and keeps each list
directly under it as a `LazyList`: the text plus where each element starts. An element is
decoded when it is read and dropped when the reader is done with it, so validation and the
writer (one pass each) hold one record or one batch at a time.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Iterator, Sequence
from json.decoder import JSONDecodeError, scanstring

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class LazyList(Sequence):
    """A JSON array inside a larger text, decoded element by element."""

    def __init__(self, text: str, starts: array):
        self._text, self._starts = text, starts

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return _DECODER.raw_decode(self._text, self._starts[index])[0]

    def __iter__(self) -> Iterator:
        for start in self._starts:
            yield _DECODER.raw_decode(self._text, start)[0]


def loads_lazily(text: str):
    """Like json.loads (same errors), except that the lists directly under a top-level object
    are LazyLists. Every element is decoded once here, to check it and find where it ends."""
    i = _skip(text, 0)
    if text[i : i + 1] != "{":
        return json.loads(text)  # not an object: nothing to gain, and json's own errors
    result = {}
    i = _skip(text, i + 1)
    if text[i : i + 1] == "}":
        return _end(text, i + 1, result)
    while True:
        if text[i : i + 1] != '"':
            raise JSONDecodeError("Expecting property name enclosed in double quotes", text, i)
        key, i = scanstring(text, i + 1)
        i = _skip(text, i)
        if text[i : i + 1] != ":":
            raise JSONDecodeError("Expecting ':' delimiter", text, i)
        i = _skip(text, i + 1)
        if text[i : i + 1] == "[":
            result[key], i = _lazy_list(text, i + 1)
        else:
            result[key], i = _value(text, i)
        i = _skip(text, i)
        if text[i : i + 1] == ",":
            i = _skip(text, i + 1)
        elif text[i : i + 1] == "}":
            return _end(text, i + 1, result)
        else:
            raise JSONDecodeError("Expecting ',' delimiter", text, i)


def _lazy_list(text: str, i: int) -> tuple[LazyList, int]:
    starts = array("q")
    i = _skip(text, i)
    if text[i : i + 1] == "]":
        return LazyList(text, starts), i + 1
    while True:
        starts.append(i)
        _element, i = _value(text, i)
        i = _skip(text, i)
        if text[i : i + 1] == ",":
            i = _skip(text, i + 1)
        elif text[i : i + 1] == "]":
            return LazyList(text, starts), i + 1
        else:
            raise JSONDecodeError("Expecting ',' delimiter", text, i)


def _value(text: str, i: int):
    return _DECODER.raw_decode(text, i)


def _skip(text: str, i: int) -> int:
    return _WHITESPACE.match(text, i).end()


def _end(text: str, i: int, result: dict) -> dict:
    i = _skip(text, i)
    if i != len(text):
        raise JSONDecodeError("Extra data", text, i)
    return result
