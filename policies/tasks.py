"""Background jobs, run by `manage.py db_worker` (or at once where TASKS_IMMEDIATE is on)."""

from django_tasks import task


@task()
def make_pdf(pdf_id: int) -> None:
    from .pdfs import pdf_make

    pdf_make(pdf_id=pdf_id)


@task()
def review_reminders(every_hours: int = 0, token: str = "") -> int:
    """Remind owners of entries due for review (``policies.reviews.review_reminders_send``). With ``token``, a
    run of the schedule managers start on the reviews page (``review_reminders_schedule``). With
    ``every_hours``, the task queues itself to run again that many hours later, so one enqueue keeps the worker
    sending them (where the task backend can defer work). Running it more often never sends a reminder twice."""
    from datetime import timedelta

    from django.utils import timezone

    from .reviews import review_reminders_scheduled_run, review_reminders_send

    if token:
        return review_reminders_scheduled_run(token=token, can_defer=review_reminders.get_backend().supports_defer)
    count = review_reminders_send()
    if every_hours > 0 and review_reminders.get_backend().supports_defer:
        later = review_reminders.using(run_after=timezone.now() + timedelta(hours=every_hours))
        later.enqueue(every_hours=every_hours)
    return count


@task()
def take_effect() -> int:
    """Make the versions whose effective date has come the live text (``services.publishing.versions_take_effect``).
    Queued at approval for the moment a version falls due; running it early or twice changes nothing."""
    from .services.publishing import versions_take_effect

    return len(versions_take_effect())
