"""Reviews that find an entry still right: recorded without a new version, they restart its review cycle."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .entry import Entry, EntryVersion


class EntryReview(models.Model):
    """Someone read the live version of an entry and found nothing to change."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey(EntryVersion, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "-reviewed_at", "-id"]
        indexes = [models.Index(fields=["entry", "reviewed_at"], name="entryreview_entry_reviewed")]

    def __str__(self) -> str:
        return f"Review of {self.entry_id} (version {self.version_id}) on {self.reviewed_at:%Y-%m-%d}"
