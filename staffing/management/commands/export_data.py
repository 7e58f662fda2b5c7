"""manage.py export_data > FILE.json — the database as a nakadachi/v1 file."""

import sys

from django.core.management.base import BaseCommand

from staffing.interchange import write_document
from staffing.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Write the database as a nakadachi/v1 JSON file (UTF-8) to standard output or --output. "
        "The output is deterministic: export, import into an empty database and export again "
        "gives the same bytes. Staff users and logins are not exported."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE", help="write here, not to stdout")

    def handle(self, *, output, **options):
        if output:
            with open(output, "w", encoding="utf-8", newline="\n") as stream:
                counts = write_document(stream)
        else:
            if self.stdout._out is sys.stdout and hasattr(sys.stdout, "reconfigure"):
                sys.stdout.reconfigure(encoding="utf-8")
            counts = write_document(_Raw(self.stdout))
        detail = ", ".join(f"{name}: {n}" for name, n in counts.items())
        # Exporting hands out every registrant's personal data: it is logged (個人情報保護法).
        AuditEvent.objects.create(
            action=AuditEvent.Action.EXPORT,
            subject=f"export_data {output or 'stdout'}"[:200],
            detail=detail,
        )
        self.stderr.write(detail)


class _Raw:
    """BaseCommand's stdout wrapper ends every write with a newline; the JSON writer must not."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")
