"""Editors and Moderators may use the admin's "Translate" action (wagtail.contrib.simple_translation).

It only makes draft copies of pages in another language's tree, which then go through the same
moderation and, for stories, the same safeguarding confirmation as any other draft; so it is safe
for everyone who edits pages. Without it only administrators could start a Filipino version.
"""

from django.db import migrations

GROUPS = ["Editors", "Moderators"]


def _permission(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="simple_translation", model="simpletranslation"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = _permission(apps)
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = _permission(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("simple_translation", "0001_initial"),
        ("pages", "0010_tagline_on_each_languages_home_page"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
