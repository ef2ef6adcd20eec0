"""The review models move to the reviews app, keeping their tables and rows (``reviews.0001_initial`` takes them
over in its state; nothing changes in the database). Their content types move with them, so admin permissions
given on them stay. Background jobs queued under the old task hub are pointed at the modules that now hold them;
the review reminders' own queued runs are dropped, since the periodic work now keeps their schedule."""

from django.db import migrations

MOVED_MODELS = ["entryreview", "historicalentryreview", "reminderschedule", "historicalreminderschedule"]
MOVED_TASKS = {
    "policies.tasks.make_pdf": "policies.pdfs.make_pdf",
    "policies.tasks.take_effect": "policies.services.publishing.take_effect",
}
DROPPED_TASK = "policies.tasks.review_reminders"


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not ContentType.objects.filter(app_label="reviews", model=model).exists():
            ContentType.objects.filter(app_label="policies", model=model).update(app_label="reviews")


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not ContentType.objects.filter(app_label="policies", model=model).exists():
            ContentType.objects.filter(app_label="reviews", model=model).update(app_label="policies")


def move_queued_tasks(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED_TASKS.items():
        DBTaskResult.objects.filter(task_path=old).update(task_path=new)
    DBTaskResult.objects.filter(task_path=DROPPED_TASK, status="READY").delete()


def queued_tasks_back(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED_TASKS.items():
        DBTaskResult.objects.filter(task_path=new).update(task_path=old)


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0016_acknowledgements_move_out"),
        ("reviews", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="historicalentryreview",
                    name="entry",
                ),
                migrations.RemoveField(
                    model_name="historicalentryreview",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="historicalentryreview",
                    name="reviewed_by",
                ),
                migrations.RemoveField(
                    model_name="historicalentryreview",
                    name="version",
                ),
                migrations.RemoveField(
                    model_name="historicalreminderschedule",
                    name="changed_by",
                ),
                migrations.RemoveField(
                    model_name="historicalreminderschedule",
                    name="history_user",
                ),
                migrations.RemoveField(
                    model_name="reminderschedule",
                    name="changed_by",
                ),
                migrations.DeleteModel(
                    name="EntryReview",
                ),
                migrations.DeleteModel(
                    name="HistoricalEntryReview",
                ),
                migrations.DeleteModel(
                    name="HistoricalReminderSchedule",
                ),
                migrations.DeleteModel(
                    name="ReminderSchedule",
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, content_types_back),
        migrations.RunPython(move_queued_tasks, queued_tasks_back),
    ]
