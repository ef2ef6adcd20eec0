"""Shared values: named texts a manual defines once and its entries use, such as ``{{ refund_window }}``.

``SharedValue`` is the working copy: the approved ``value`` readers see, and a proposed ``draft_value`` on its
way through review. Approving the change records an immutable ``SharedValueVersion`` and publishes a new version
of every entry whose text uses the name, all under one change summary (``policies.services.values``). Entry
versions store their rendered HTML, so past views and editions keep showing the value as it was.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .entry import EntryVersion
from .manual import Manual

NAME_PATTERN = r"[a-z][a-z0-9_]{0,49}"
NAME_RE = re.compile(rf"^{NAME_PATTERN}\Z")
validate_value_name = RegexValidator(
    NAME_RE,
    "Lower-case letters, digits and underscores, starting with a letter (refund_window).",
    code="invalid_name",
)
MAX_VALUE_LENGTH = 300


class ValueStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    DRAFT = "draft", "Change drafted"
    IN_REVIEW = "in_review", "Change in review"


class SharedValue(models.Model):
    manual = models.ForeignKey(Manual, on_delete=models.PROTECT, related_name="shared_values")
    # What entries write between double braces. It never changes: entries, versions and files name it.
    name = models.CharField(max_length=50, validators=[validate_value_name])
    label = models.CharField(max_length=100, help_text="How people refer to it, such as “Refund window”.")
    # The approved text readers see in every entry that uses the name.
    value = models.CharField(max_length=MAX_VALUE_LENGTH)

    # A proposed change, on its way through review.
    status = models.CharField(max_length=20, choices=ValueStatus.choices, default=ValueStatus.PUBLISHED)
    draft_value = models.CharField(max_length=MAX_VALUE_LENGTH, blank=True)
    draft_reason = models.TextField("what changed and why", blank=True)
    draft_is_material = models.BooleanField(
        "material change", default=True, help_text="A material change asks readers to acknowledge again."
    )
    last_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    review_comment_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Optimistic locking, as on entries: approval names the proposal the reviewer was shown.
    lock_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["manual", "label", "name"]
        constraints = [models.UniqueConstraint(fields=["manual", "name"], name="sharedvalue_name_unique_in_manual")]

    def __str__(self) -> str:
        return f"{self.label} ({{{{ {self.name} }}}})"

    @property
    def token(self) -> str:
        """What an author types to use it."""
        return f"{{{{ {self.name} }}}}"

    @property
    def has_draft(self) -> bool:
        return self.status != ValueStatus.PUBLISHED


class SharedValueVersion(models.Model):
    """An approved value: what it became, from what, why, and the entry versions published with it."""

    shared_value = models.ForeignKey(SharedValue, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=100)
    value = models.CharField(max_length=MAX_VALUE_LENGTH)
    previous_value = models.CharField(max_length=MAX_VALUE_LENGTH, blank=True)
    reason = models.TextField(blank=True)
    # The line every entry version published with it carries: "Refund window: 30 days → 45 days. <reason>"
    change_summary = models.TextField()
    is_material = models.BooleanField(default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    # The change was approved by the person who proposed it (four eyes was off, or an import published it).
    approved_by_author = models.BooleanField(default=False)
    entry_versions = models.ManyToManyField(EntryVersion, blank=True, related_name="value_changes")

    history = HistoricalRecords()

    class Meta:
        ordering = ["shared_value", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["shared_value", "number"], name="sharedvalueversion_number_unique")
        ]
        indexes = [models.Index(fields=["shared_value", "approved_at"], name="sharedvalueversion_approved")]

    def __str__(self) -> str:
        return f"{self.label} (version {self.number})"
