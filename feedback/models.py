"""Feedback on the manual: what customers, employees and surveys say about it, and what became of it.

An item may name the entry it is about, or none yet. It moves from new to planned, then done (often closed by
the version that answered it) or declined.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from policies.models import Channel, Entry, EntryVersion, Manual


class Source(models.TextChoices):
    CUSTOMER = "customer", "Customer feedback"
    EMPLOYEE = "employee", "Employee suggestion"
    SURVEY = "survey", "Survey"
    COMPLAINT = "complaint", "Complaint"
    SEARCH = "search", "Failed search"


class FeedbackStatus(models.TextChoices):
    NEW = "new", "New"
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    DECLINED = "declined", "Declined"


CLOSED_STATUSES = (FeedbackStatus.DONE, FeedbackStatus.DECLINED)


class FeedbackItemQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)


class FeedbackItem(models.Model):
    manual = models.ForeignKey(Manual, on_delete=models.CASCADE, related_name="feedback_items")
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_items")
    source = models.CharField(max_length=20, choices=Source.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    received_on = models.DateField()
    customer_reference = models.CharField(max_length=100, blank=True)
    text = models.TextField()
    status = models.CharField(max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_version = models.ForeignKey(
        EntryVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_items"
    )
    # A hash of the imported CSV line (with the manual), so importing the same file again adds nothing.
    import_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    history = HistoricalRecords()
    objects = FeedbackItemQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["manual", "status", "-received_on"], name="feedback_board")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} of {self.received_on}: {self.text[:50]}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES
