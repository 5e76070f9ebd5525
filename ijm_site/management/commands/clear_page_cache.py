from django.core.management.base import BaseCommand

from ijm_site.page_cache import start_new_generation


class Command(BaseCommand):
    help = (
        "Make every cached page stale in every server process. `make serve` runs it on each "
        "start, so a deploy with new templates never serves pages rendered by the old ones."
    )

    def handle(self, *args, **options):
        start_new_generation()
        self.stdout.write("Page cache cleared.")
