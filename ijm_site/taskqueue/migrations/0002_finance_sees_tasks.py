"""Finance (and superusers) see the queue's waiting and failed tasks and may retry a failed one."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TASK_PERMISSIONS = ["view_dbtaskresult", "change_dbtaskresult"]


def let_finance_see_tasks(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs these now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Finance")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="django_tasks_database", codename__in=TASK_PERMISSIONS
        )
    )


def take_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Finance"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="django_tasks_database", codename__in=TASK_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("taskqueue", "0001_initial"),
        ("donations", "0002_finance_group"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(let_finance_see_tasks, take_back)]
