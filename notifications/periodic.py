"""Notifications' share of the periodic work (``periodic.work``): due emails sent, digests included."""

from django.dispatch import receiver

from periodic.work import periodic_work

from .services import send_due_emails


@receiver(periodic_work, dispatch_uid="notifications.emails")
def emails(sender, *, now, **kwargs) -> str:
    sent = send_due_emails(now=now)
    return f"{sent} email{'s' if sent != 1 else ''} sent"
