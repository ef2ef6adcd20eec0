"""Numbered editions of a manual, and the PDFs made of it.

An edition is a frozen set of published versions, with the sections they sat in copied as they were at
release. Reproducing it is a join; nothing about it changes after release.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .entry import EntryVersion
from .manual import Manual

EDITION_LABEL_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,30}$")


def validate_edition_label(value: str) -> None:
    if not EDITION_LABEL_RE.match(value or "") or value.endswith(".pdf") or value == "new":
        raise ValidationError(
            "An edition label is letters, digits, dots and hyphens, such as 2026.2 (at most 31 characters)."
        )


class Edition(models.Model):
    manual = models.ForeignKey(Manual, on_delete=models.PROTECT, related_name="editions")
    label = models.CharField(max_length=31, validators=[validate_edition_label])
    release_notes = models.TextField(blank=True, help_text="Markdown")
    release_notes_html = models.TextField(blank=True, editable=False)
    released_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The manual's front matter as it stood at release.
    title = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    mission_html = models.TextField(blank=True)
    vision_html = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["manual", "-released_at"]
        constraints = [models.UniqueConstraint(fields=["manual", "label"], name="edition_label_unique_in_manual")]
        permissions = [("release_edition", "Can release editions")]

    def __str__(self) -> str:
        return f"{self.title}, edition {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("policies:edition_detail", kwargs={"manual": self.manual.slug, "edition": self.label})


class EditionSection(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    section = models.ForeignKey("Section", on_delete=models.PROTECT, related_name="+")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    intro_html = models.TextField(blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["edition", "order"]

    def __str__(self) -> str:
        return f"{self.title} in edition {self.edition_id}"


class EditionEntry(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    edition_section = models.ForeignKey(EditionSection, on_delete=models.CASCADE, related_name="items")
    version = models.ForeignKey(EntryVersion, on_delete=models.PROTECT, related_name="+")
    slug = models.SlugField(max_length=100)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["edition", "edition_section__order", "order"]
        constraints = [models.UniqueConstraint(fields=["edition", "slug"], name="edition_entry_slug_unique")]

    def __str__(self) -> str:
        return f"{self.slug} in edition {self.edition_id}"


class PDFStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class PDFKind(models.TextChoices):
    LIVE = "live", "Live manual"
    AS_OF = "as_of", "Manual as of a date"
    EDITION = "edition", "Edition"
    ONBOARDING = "onboarding", "Onboarding packet"


def _pdf_path(instance, filename):
    return f"pdfs/{instance.manual_id}/{filename}"


class StoredPDF(models.Model):
    """A PDF made once and served again until the content it was made from changes.

    ``key`` names exactly what the PDF shows (the manual's content stamp, the edition, the date or the
    onboarding choice, and the layout's version), so a second request for the same PDF finds this row
    instead of starting another job. It is a cache of published content, not content, so it keeps no
    history of its own.
    """

    manual = models.ForeignKey(Manual, on_delete=models.CASCADE, related_name="pdfs")
    edition = models.ForeignKey(Edition, null=True, blank=True, on_delete=models.CASCADE, related_name="pdfs")
    kind = models.CharField(max_length=20, choices=PDFKind.choices)
    key = models.CharField(max_length=255, unique=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=PDFStatus.choices, default=PDFStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=_pdf_path, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Everyone who asked for this PDF. The file is shared, but an onboarding packet opens only for the people
    # who asked for it (and editors and managers).
    requesters = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "stored PDF"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} PDF of {self.manual} ({self.get_status_display()})"
