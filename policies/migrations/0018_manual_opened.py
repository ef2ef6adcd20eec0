import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def open_existing_manuals(apps, schema_editor):
    """Manuals made before a manual could wait closed were open to readers from their creation. The column is
    filled in on the manual rows and their history rows alike, as a new column, not as a change anyone made."""
    for name in ("Manual", "HistoricalManual"):
        apps.get_model("policies", name).objects.update(opened_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0017_reviews_move_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmanual",
            name="opened_at",
            field=models.DateTimeField(
                blank=True, default=django.utils.timezone.now, editable=False, null=True,
                verbose_name="opened to readers",
            ),
        ),
        migrations.AddField(
            model_name="manual",
            name="opened_at",
            field=models.DateTimeField(
                blank=True, default=django.utils.timezone.now, editable=False, null=True,
                verbose_name="opened to readers",
            ),
        ),
        migrations.RunPython(open_existing_manuals, migrations.RunPython.noop),
    ]  # fmt: skip
