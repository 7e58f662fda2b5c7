"""Reading an import file: refused in one line if too large, not JSON or not nakadachi/v1."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.utils.translation import gettext as _

from .lazy import loads_lazily
from .validation import ImportRefused, check_format

DEFAULT_MAX_BYTES = 512 * 1024 * 1024


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else _("%(n)d bytes") % {"n": n}


def _too_large(name: str, size: int | None, limit: int) -> ImportRefused:
    if size is None:
        return ImportRefused(
            _("%(name)s is larger than the import limit of %(limit)s (IMPORT_MAX_BYTES)")
            % {"name": name, "limit": _size(limit)}
        )
    return ImportRefused(
        _("%(name)s is %(size)s, larger than the import limit of %(limit)s (IMPORT_MAX_BYTES)")
        % {"name": name, "size": _size(size), "limit": _size(limit)}
    )


def read_limited(path: str) -> bytes:
    """The file's bytes ("-" reads standard input), refused past IMPORT_MAX_BYTES."""
    limit = max_bytes()
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise _too_large(path, None, limit)
        return data
    try:
        size = os.path.getsize(path)
        if size > limit:
            raise _too_large(path, size, limit)
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise ImportRefused(
            _("%(name)s cannot be read: %(error)s") % {"name": path, "error": exc.strerror}
        ) from None
    if len(data) > limit:  # it grew while we looked
        raise _too_large(path, len(data), limit)
    return data


def read_document(path: str) -> dict:
    """A nakadachi/v1 document from a JSON file, or ImportRefused with one line. Its record
    lists are decoded one record at a time when read (see `lazy.py`)."""
    try:
        data = loads_lazily(read_limited(path).decode("utf-8-sig"))
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise ImportRefused(
            _("%(name)s is not JSON: %(error)s") % {"name": path, "error": exc}
        ) from None
    try:
        check_format(data)
    except ImportRefused as exc:
        raise ImportRefused(f"{path}: {exc.errors[0]}") from None
    return data
