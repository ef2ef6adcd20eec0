"""The periodic work keeps the reminder schedule now, instead of a chain of queued runs each carrying the
schedule's token: the token goes, and a schedule that is on but has no next run (its chain could not wait) runs
on the next periodic run."""

from django.db import migrations
from django.utils import timezone


def due_now_if_on(apps, schema_editor):
    ReminderSchedule = apps.get_model("reviews", "ReminderSchedule")
    ReminderSchedule.objects.filter(enabled=True, next_run_at__isnull=True).update(next_run_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="historicalreminderschedule", name="token"),
        migrations.RemoveField(model_name="reminderschedule", name="token"),
        migrations.RunPython(due_now_if_on, migrations.RunPython.noop),
    ]
