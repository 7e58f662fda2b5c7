"""The interchange format nakadachi/v1: lossless, all-or-nothing import and export.

    from staffing.interchange import import_document, export_document, ImportFailed

    result = import_document({"format": "nakadachi/v1", "registrants": [...]})
    document = export_document()

docs/data-format.md describes the format.
"""

from .exporter import dumps, export_document, write_document
from .files import read_document
from .importer import Counts, ImportResult, import_document
from .schema import FORMAT
from .validation import ImportFailed, ImportRefused, validate_document

__all__ = [
    "FORMAT",
    "Counts",
    "ImportFailed",
    "ImportRefused",
    "ImportResult",
    "dumps",
    "export_document",
    "import_document",
    "read_document",
    "validate_document",
    "write_document",
]
