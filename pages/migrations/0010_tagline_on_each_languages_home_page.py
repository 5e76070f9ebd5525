"""The footer's tagline moves from Organisation details to the home page.

A site setting is one per site, in one language; the home page is translated with the rest of
the site, so the Filipino pages can show a Filipino tagline. Each site's tagline goes to its
home page, both to the page and to its live and latest revisions (what the editor opens next),
so no wording is lost.
"""

from django.db import migrations, models


def move_tagline_to_home_pages(apps, schema_editor):
    OrganisationSettings = apps.get_model("pages", "OrganisationSettings")
    HomePage = apps.get_model("pages", "HomePage")
    Revision = apps.get_model("wagtailcore", "Revision")
    for settings in OrganisationSettings.objects.exclude(tagline=""):
        home = HomePage.objects.filter(pk=settings.site.root_page_id).first()
        if home is None or home.tagline:
            continue
        home.tagline = settings.tagline
        home.save(update_fields=["tagline"])
        revision_ids = {home.live_revision_id, home.latest_revision_id} - {None}
        for revision in Revision.objects.filter(pk__in=revision_ids):
            revision.content["tagline"] = settings.tagline
            revision.save(update_fields=["content"])


def move_tagline_back(apps, schema_editor):
    OrganisationSettings = apps.get_model("pages", "OrganisationSettings")
    HomePage = apps.get_model("pages", "HomePage")
    for settings in OrganisationSettings.objects.filter(tagline=""):
        home = HomePage.objects.filter(pk=settings.site.root_page_id).first()
        if home is not None and home.tagline:
            settings.tagline = home.tagline
            settings.save(update_fields=["tagline"])


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0009_moderators_edit_organisation_details"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="homepage",
            name="tagline",
            field=models.CharField(
                blank=True,
                help_text=(
                    "One line shown in the footer of every page in this home page's language, "
                    "under the organisation's name. Each language's home page has its own."
                ),
                max_length=255,
                verbose_name="tagline",
            ),
        ),
        migrations.RunPython(move_tagline_to_home_pages, move_tagline_back),
        migrations.RemoveField(model_name="organisationsettings", name="tagline"),
    ]
