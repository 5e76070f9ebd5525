"""Moderators may open and edit Settings → Organisation details (contact details, sharing
picture, privacy link).

Editors may not: a setting takes effect the moment it is saved, with no moderation, while an
Editor's page changes wait for a Moderator's approval (0003). Letting Editors change the phone
number, email or privacy link everyone sees would bypass that review.
"""

from django.db import migrations

CODENAMES = ["change_organisationsettings"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="pages", model="organisationsettings"
    )
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for codename in CODENAMES:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": "Can change organisation details"},
        )
        moderators.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators = Group.objects.filter(name="Moderators").first()
    if moderators is not None:
        moderators.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="pages", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("pages", "0008_privacy_link_fact_qualifiers_and_seed_additions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
