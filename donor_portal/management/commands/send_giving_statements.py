from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from donor_portal.statements import queue_statements


class Command(BaseCommand):
    help = (
        "Queue one giving statement per donor for a year (paid gifts per currency, refunds "
        "shown). Safe to re-run: a donor who has one gets nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="e.g. 2026")

    def handle(self, *args, year, **options):
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"--year must be between 2000 and {timezone.localdate().year}.")
        queued, skipped = queue_statements(year)
        self.stdout.write(
            f"{queued} statement(s) for {year} queued; {skipped} donor(s) already had one."
        )
