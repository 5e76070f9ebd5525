import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "For local development only (DEBUG on): if no superuser exists, create one with a freshly "
        "generated password and print it once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username="admin", url="http://127.0.0.1:8000/admin/", **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a local admin with DEBUG off.")
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(15)
        User.objects.create_superuser(username=username, email="", password=password)
        line = "=" * 64
        self.stdout.write(
            f"{line}\nLocal admin created for {url}\n"
            f"  username: {username}\n  password: {password}\n"
            f"This password is shown once. Change it from the admin's account page.\n{line}"
        )
