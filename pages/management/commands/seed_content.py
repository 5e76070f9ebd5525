from django.core.management.base import BaseCommand

from pages.seed.loader import SeedReport, apply_seed_additions, load_seed_content, site_has_content


class Command(BaseCommand):
    help = (
        "Build the site's first content from the IJM Philippines OSEC fact sheet, and bring an "
        "existing site the seed content added since (once per database). Only creates what is "
        "missing; never changes what staff wrote."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="When the site already has a home page, only apply the seed additions it lacks.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and site_has_content():
            report = SeedReport()
            apply_seed_additions(report)
            if not report.created:
                self.stdout.write("The site already has content; nothing to seed.")
                return
        else:
            report = load_seed_content()
        if not report.created:
            self.stdout.write("Nothing to do: all seed content is already there.")
            return
        for what in report.created:
            self.stdout.write(f"Created {what}")
        self.stdout.write(self.style.SUCCESS(f"Seeded {len(report.created)} item(s)."))
