"""Every write about notifications goes through a function here.

Laid out by concern: ``notify`` (making notifications, marking them read, the person's email choice) and
``emails`` (sending what is due). The apps above make their notifications through these; what a notification is
about is theirs to know. Import them from ``notifications.services``.
"""

from .emails import absolute_url, notifications_skip_email, send_due_emails
from .notify import (
    notification_preference_save,
    notifications_create,
    notifications_deliver,
    notifications_mark_answered,
    notifications_mark_read,
    notifications_send,
    notify,
)

__all__ = [
    "absolute_url", "notification_preference_save", "notifications_create", "notifications_deliver",
    "notifications_mark_answered", "notifications_mark_read", "notifications_send", "notifications_skip_email",
    "notify", "send_due_emails",
]  # fmt: skip
