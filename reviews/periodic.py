"""Reviews' share of the periodic work (``periodic.work``): the owners' reminders, when their schedule's next
run has come."""

from django.dispatch import receiver

from periodic.work import periodic_work

from .services import review_reminders_run_due


@receiver(periodic_work, dispatch_uid="reviews.review_reminders")
def review_reminders(sender, *, now, **kwargs) -> str:
    count = review_reminders_run_due(now=now)
    if count is None:
        return ""
    return f"{count} review reminder{'s' if count != 1 else ''} made"
