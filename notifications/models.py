"""Notifications: something a person should know about, shown in the app and, as they choose, emailed."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationKind(models.TextChoices):
    MATERIAL_CHANGE = "material_change", "An entry you must acknowledge changed"
    ACK_DUE_SOON = "ack_due_soon", "An acknowledgement is due soon"
    ACK_OVERDUE = "ack_overdue", "An acknowledgement is overdue"
    REVIEW_REQUESTED = "review_requested", "A draft awaits review"
    CHANGES_REQUESTED = "changes_requested", "A reviewer sent your draft back"
    DRAFT_APPROVED = "draft_approved", "Your draft was approved"
    INVITATION = "invitation", "Invitation"
    MANAGER_DIGEST = "manager_digest", "Weekly summary of overdue acknowledgements"
    FEEDBACK_ANSWERED = "feedback_answered", "Your feedback was answered"
    REVIEW_DUE_SOON = "review_due_soon", "An entry you own is due for review soon"
    REVIEW_OVERDUE = "review_overdue", "An entry you own is overdue for review"
    FOUR_EYES_OFF_REQUESTED = "four_eyes_off_requested", "A manager asked to turn off four-eyes approval"


class Notification(models.Model):
    """One message to one person.

    A delivery record, not content anyone edits, so it has no history: ``read_at`` says when the person saw it
    and ``emailed_at`` when its email was dealt with (sent, or skipped because they chose no emails). ``key``
    names the event and the person, so the same event never notifies the same person twice however often the
    code that notifies runs.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Plain text")
    # Relative to the site (``/manuals/...``) or absolute; emails make relative ones absolute with SITE_URL.
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    key = models.CharField(max_length=255, unique=True)
    # One change that reaches several entries (a shared value) notifies about each; its notifications share a
    # batch and each person gets them in one email.
    batch = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read"),
            models.Index(fields=["emailed_at"], name="notification_emailed"),
            models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
