"""Finance may now erase a donor's personal data (donations/erasure.py): no longer read-only."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_erase_to_finance(apps, schema_editor):
    app_config = apps.get_app_config("donations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="donations", codename="erase_donor"
    )
    group, _ = Group.objects.get_or_create(name="Finance")
    group.permissions.add(permission)


def revoke_erase_from_finance(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Finance"):
        group.permissions.remove(*group.permissions.filter(codename="erase_donor"))


class Migration(migrations.Migration):
    dependencies = [("donations", "0006_default_amounts_trust_panel_thanks_erasure")]

    operations = [migrations.RunPython(grant_erase_to_finance, revoke_erase_from_finance)]
