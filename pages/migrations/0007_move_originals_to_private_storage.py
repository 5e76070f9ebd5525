"""Data only: originals and documents stored publicly by older versions move to private storage."""

from django.db import migrations


def move(apps, schema_editor):
    from pages.private_originals import move_public_originals

    models = [apps.get_model("pages", "SiteImage"), apps.get_model("wagtaildocs", "Document")]
    move_public_originals(models)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0006_editor_labels"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
