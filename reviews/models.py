"""Reviews that find an entry still right, and the schedule on which owners are reminded of reviews due.

The tables are those these models had when they lived in ``policies``: the move kept every row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from policies.models import Entry, EntryVersion


class EntryReview(models.Model):
    """Someone read the live version of an entry and found nothing to change: recorded without a new version,
    it restarts the entry's review cycle."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey(EntryVersion, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    history = HistoricalRecords(table_name="policies_historicalentryreview")

    class Meta:
        db_table = "policies_entryreview"
        ordering = ["entry", "-reviewed_at", "-id"]
        indexes = [models.Index(fields=["entry", "reviewed_at"], name="entryreview_entry_reviewed")]

    def __str__(self) -> str:
        return f"Review of {self.entry_id} (version {self.version_id}) on {self.reviewed_at:%Y-%m-%d}"


class ReminderSchedule(models.Model):
    """Whether the periodic work sends review reminders by itself, every ``every_hours``, and how its last run
    went. One row per job. The periodic work sends them once ``next_run_at`` has come, then moves it on."""

    REVIEW_REMINDERS = "review_reminders"

    job = models.CharField(max_length=50, unique=True, default=REVIEW_REMINDERS)
    enabled = models.BooleanField(default=False)
    every_hours = models.PositiveSmallIntegerField(default=24)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_run_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_count = models.PositiveIntegerField(default=0, editable=False)
    next_run_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["last_run_at", "last_count", "next_run_at"], table_name="policies_historicalreminderschedule"
    )

    class Meta:
        db_table = "policies_reminderschedule"

    def __str__(self) -> str:
        return f"{self.job}: every {self.every_hours} hours" if self.enabled else f"{self.job}: off"
