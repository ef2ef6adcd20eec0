"""Index the live entries of the manuals that exist already."""

from django.db import migrations


def fill(apps, schema_editor):
    from search.indexing import Models, index_rebuild

    index_rebuild(models=Models.historical(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
