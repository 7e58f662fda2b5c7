"""manage.py import_csv --kind registrants|jobs FILE.csv — one record per row, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from staffing.interchange import ImportFailed, ImportRefused
from staffing.interchange.csv_import import CSV_KINDS, import_csv
from staffing.interchange.validation import problems_summary
from staffing.models import AuditEvent

from ._progress import ProgressPrinter


class Command(BaseCommand):
    help = (
        "Import registrants or job cases from a CSV file with the columns of "
        "docs/data-format.md. Validated like a JSON import: every problem is listed with its "
        "line and column, and nothing is written unless all is well."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help='the CSV file, or "-" for standard input')
        parser.add_argument("--kind", required=True, choices=sorted(CSV_KINDS))
        parser.add_argument(
            "--encoding",
            default="utf-8-sig",
            help="text encoding (default UTF-8; cp932 for Shift_JIS from Excel)",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument(
            "--progress-every",
            type=int,
            default=10_000,
            metavar="N",
            help="report progress on stderr every N records (0: never)",
        )

    def handle(self, *, file, kind, encoding, dry_run, progress_every, **options):
        progress = ProgressPrinter(self.stderr, progress_every) if progress_every else None
        try:
            result = import_csv(file, kind, encoding=encoding, dry_run=dry_run, progress=progress)
        except ImportRefused as exc:
            raise CommandError(exc.errors[0]) from None
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(problems_summary(exc.errors)) from None
        if result is None:
            self.stdout.write(f"{file}: valid, nothing written")
            return
        for line in result.warnings:
            self.stderr.write(self.style.WARNING(line))
        summary = result.summary()
        AuditEvent.objects.create(
            action=AuditEvent.Action.IMPORT,
            subject=f"import_csv --kind {kind} {file}"[:200],
            detail="\n".join(summary),
        )
        for line in summary:
            self.stdout.write(line)
