"""The email delivery job now sits beside the sending it runs (``notifications.services.emails``); jobs queued
under its old address are pointed at the new one, so an upgrade with emails waiting loses none."""

from django.db import migrations

OLD = "notifications.tasks.deliver_notifications"
NEW = "notifications.services.emails.deliver_notifications"


def move_queued(apps, schema_editor):
    apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(task_path=OLD).update(task_path=NEW)


def move_back(apps, schema_editor):
    apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(task_path=NEW).update(task_path=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_notification_batch"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(move_queued, move_back)]
