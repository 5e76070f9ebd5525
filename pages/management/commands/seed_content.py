from django.core.management.base import BaseCommand

from pages.seed.loader import load_seed_content, site_has_content


class Command(BaseCommand):
    help = (
        "Build the site's first content from the IJM Philippines OSEC fact sheet. "
        "Only creates what is missing; never changes what exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the site already has a home page.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and site_has_content():
            self.stdout.write("The site already has content; nothing to seed.")
            return
        report = load_seed_content()
        if not report.created:
            self.stdout.write("Nothing to do: all seed content is already there.")
            return
        for what in report.created:
            self.stdout.write(f"Created {what}")
        self.stdout.write(self.style.SUCCESS(f"Seeded {len(report.created)} item(s)."))
