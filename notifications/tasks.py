"""Background jobs, run by `manage.py db_worker` (or at once where TASKS_IMMEDIATE is on)."""

from django_tasks import task


@task()
def deliver_notifications() -> int:
    """Email what is due, so people who chose immediate emails hear within moments of the event rather than at
    the next cron run. Safe to enqueue many times: each notification is emailed once."""
    from .services import send_due_emails

    return send_due_emails()
