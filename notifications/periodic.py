"""Notifications' share of the periodic work (``periodic.work``): reminders made, then due emails sent."""

from django.dispatch import receiver

from periodic.work import periodic_work

from .services import queue_reminders, send_due_emails


@receiver(periodic_work, dispatch_uid="notifications.reminders_and_emails")
def reminders_and_emails(sender, *, now, **kwargs) -> str:
    made = queue_reminders()
    sent = send_due_emails(now=now)
    return f"{made} reminder{'s' if made != 1 else ''} made, {sent} email{'s' if sent != 1 else ''} sent"
