"""The "Finance" group: may enter the admin, view and export gifts; never edit payment facts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FINANCE_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("donations", "donation", "view_donation"),
    ("donations", "recurringgift", "view_recurringgift"),
]


def create_finance_group(apps, schema_editor):
    # Permissions are normally made after all migrations; this group needs ours now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Finance")
    for app_label, model, codename in FINANCE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label=app_label, content_type__model=model, codename=codename
        )
        group.permissions.add(permission)


def remove_finance_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Finance").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0001_donations"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_finance_group, remove_finance_group)]
