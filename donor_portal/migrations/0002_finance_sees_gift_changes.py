"""Finance may view (and export) the audit lines of monthly gifts; nobody may change them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_finance(apps, schema_editor):
    app_config = apps.get_app_config("gift_portal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Finance")
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="gift_portal",
            content_type__model="giftchange",
            codename="view_giftchange",
        )
    )


def revoke_finance(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Finance"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="gift_portal", codename="view_giftchange"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("gift_portal", "0001_portal_records"),
        ("donations", "0002_finance_group"),
    ]

    operations = [migrations.RunPython(grant_finance, revoke_finance)]
