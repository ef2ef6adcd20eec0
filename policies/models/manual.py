from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .channels import validate_channels


class Manual(models.Model):
    """A customer service manual: its statements of purpose and its ordered sections."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    organisation = models.CharField(max_length=200, blank=True)
    mission = models.TextField("mission statement", blank=True, help_text="Markdown")
    vision = models.TextField("vision statement", blank=True, help_text="Markdown")
    mission_html = models.TextField(blank=True, editable=False)
    vision_html = models.TextField(blank=True, editable=False)
    require_second_approver = models.BooleanField(
        "four-eyes approval",
        default=True,
        help_text="A draft must be approved by someone other than its last author.",
    )
    # Four eyes binds managers, so one of them cannot turn it off alone: a manager's request waits here until
    # another manager approves or declines it (``services.manual_four_eyes_*``). Administrators turn it off
    # directly; turning it on needs nobody.
    four_eyes_off_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    four_eyes_off_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    ack_days = models.PositiveSmallIntegerField(
        "days to acknowledge",
        default=14,
        help_text="How long people have to acknowledge a new entry or a material change before it is overdue.",
    )
    channels = models.JSONField(
        "channels served",
        default=list,
        blank=True,
        validators=[validate_channels],
        help_text="The ways customers reach the organisation; each should have a protocol.",
    )
    # A manual is open to readers (agents, editors) from this moment; managers see it always. A manual started from
    # the starter template waits, closed, until a manager opens it (``services.manual_open``), so nobody reads its
    # placeholders. Every other manual is open from its creation.
    opened_at = models.DateTimeField("opened to readers", null=True, blank=True, default=timezone.now, editable=False)
    # Bumped whenever anything a reader sees changes, so caches and stored PDFs know they are stale.
    content_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["content_changed_at", "updated_at"])

    class Meta:
        ordering = ["title"]
        permissions = [("manage_manual", "Can manage manuals and their sections")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:manual_home", kwargs={"manual": self.slug})

    @property
    def is_open(self) -> bool:
        """Readers see the manual (managers always do)."""
        return self.opened_at is not None

    @property
    def four_eyes_off_pending(self) -> bool:
        """Someone asked to turn four-eyes approval off and no other manager has decided yet."""
        return self.four_eyes_off_requested_at is not None


class Section(models.Model):
    """A chapter of a manual."""

    manual = models.ForeignKey(Manual, on_delete=models.PROTECT, related_name="sections")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    intro = models.TextField(blank=True, help_text="Markdown")
    intro_html = models.TextField(blank=True, editable=False)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["manual", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["manual", "slug"], name="section_slug_unique_in_manual"),
        ]

    def __str__(self) -> str:
        return self.title
