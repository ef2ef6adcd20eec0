"""Every write about notifications goes through a function here.

Laid out by concern: ``notify`` (making notifications, reading them, the person's email choice), ``emails``
(sending what is due) and ``reminders`` (acknowledgements due soon or overdue, the managers' weekly summary).
Import them from ``notifications.services``.
"""

from .emails import absolute_url, notifications_skip_email, send_due_emails
from .notify import (
    ack_reminders_retire,
    ack_requests_mark_read,
    notification_preference_save,
    notifications_create,
    notifications_mark_read,
    notify,
)
from .reminders import queue_reminders

__all__ = [
    "absolute_url", "ack_reminders_retire", "ack_requests_mark_read", "notification_preference_save",
    "notifications_create", "notifications_mark_read", "notifications_skip_email", "notify", "queue_reminders",
    "send_due_emails",
]  # fmt: skip
