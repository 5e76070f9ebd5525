from django.conf import settings
from django.core.management.base import BaseCommand

from donor_portal.models import GiftChange


class Command(BaseCommand):
    help = "Clear client addresses from monthly-gift audit lines older than the retention period."

    def handle(self, *args, **options):
        cleared = GiftChange.clear_old_addresses()
        self.stdout.write(
            f"{cleared} address(es) older than {settings.PORTAL_ADDRESS_RETENTION_DAYS} days "
            "cleared."
        )
