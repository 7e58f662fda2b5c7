"""manage.py import_data FILE.json — import a nakadachi/v1 file, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from staffing.interchange import (
    ImportFailed,
    ImportRefused,
    import_document,
    read_document,
    validate_document,
)
from staffing.interchange.validation import problems_summary
from staffing.models import AuditEvent

from ._progress import ProgressPrinter


class Command(BaseCommand):
    help = (
        "Import a nakadachi/v1 JSON file (docs/data-format.md). The whole file is validated "
        "first; every problem is listed and nothing is written unless all is well."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help='the JSON file, or "-" for standard input')
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument(
            "--progress-every",
            type=int,
            default=10_000,
            metavar="N",
            help="report progress on stderr every N records (0: never)",
        )

    def handle(self, *, file, dry_run, progress_every, **options):
        progress = ProgressPrinter(self.stderr, progress_every) if progress_every else None
        try:
            data = read_document(file)
            if dry_run:
                plan = validate_document(data, progress=progress)
                warnings, summary = plan.warnings, [f"{file}: valid, nothing written"]
            else:
                result = import_document(data, progress=progress)
                warnings, summary = result.warnings, result.summary()
        except ImportRefused as exc:
            raise CommandError(exc.errors[0]) from None
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(problems_summary(exc.errors)) from None
        for line in warnings:
            self.stderr.write(self.style.WARNING(line))
        if not dry_run:
            AuditEvent.objects.create(
                action=AuditEvent.Action.IMPORT,
                subject=f"import_data {file}"[:200],
                detail="\n".join(summary),
            )
        for line in summary:
            self.stdout.write(line)
