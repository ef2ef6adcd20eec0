"""Entries and their published versions.

The ``Entry`` row is the working copy editors type into. A published version is an immutable
``EntryVersion`` row; ``Entry.live_version`` points at the one readers see. Readers, the print page
and the PDF only ever read versions, so draft text cannot leak to them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .channels import CHANNEL_ORDER, Channel, validate_channels  # noqa: F401 (older migrations name them here)
from .manual import Manual, Section
from .parts import PartsMixin, validate_scripts, validate_targets


class EntryKind(models.TextChoices):
    POLICY = "policy", "Policy"
    PROCEDURE = "procedure", "Procedure"
    PROTOCOL = "protocol", "Protocol"
    STANDARD = "standard", "Service standard"


def validate_audience(value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("The audience must be a list of team slugs.")
    if len(set(value)) != len(value):
        raise ValidationError("A team is listed twice in the audience.")


MAX_QUESTIONS = 10


def validate_questions(value):
    """Each question: a prompt, two to six distinct choices, and the index of the right one."""
    if not isinstance(value, list):
        raise ValidationError("The questions must be a list.")
    if len(value) > MAX_QUESTIONS:
        raise ValidationError(f"At most {MAX_QUESTIONS} questions.")
    for number, q in enumerate(value, start=1):
        if not isinstance(q, dict) or set(q) != {"prompt", "choices", "answer"}:
            raise ValidationError(f"Question {number} needs a prompt, choices and the right answer.")
        choices = q["choices"]
        if not isinstance(q["prompt"], str) or not q["prompt"].strip():
            raise ValidationError(f"Question {number} has no question text.")
        if (
            not isinstance(choices, list)
            or not 2 <= len(choices) <= 6
            or not all(isinstance(c, str) and c.strip() for c in choices)
        ):
            raise ValidationError(f"Question {number} needs two to six answers, none of them empty.")
        if len(set(choices)) != len(choices):
            raise ValidationError(f"Question {number} offers the same answer twice.")
        if not isinstance(q["answer"], int) or not 0 <= q["answer"] < len(choices):
            raise ValidationError(f"Question {number}: choose which answer is right.")


def channel_labels(values) -> list[str]:
    labels = dict(Channel.choices)
    return [labels.get(v, v) for v in values]


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


# The fields of the working copy an author edits, declared once: a published version copies exactly these (plus
# the HTML rendered from ``body``), restoring an old version copies them back, and conflicts and diffs compare
# them. Structured parts versioned with an entry later (channel scripts, targets, questions) join here.
EDITABLE_FIELDS = (
    "kind", "title", "slug", "summary", "body", "section", "order", "owner", "owner_user", "owner_team", "channels",
    "audience", "review_every_months", "effective_date", "questions", "scripts", "targets",
)  # fmt: skip
VERSIONED_FIELDS = (*EDITABLE_FIELDS, "body_html")
# Where an entry sits in the manual and its web address: they take effect at once and are not reviewed,
# because they change no text readers have not seen approved.
PLACEMENT_FIELDS = frozenset({"section", "order", "slug"})


class OwnerLabelMixin:
    """Who answers for an entry or a version: a person, else a team, else the ``owner`` text (unassigned)."""

    @property
    def owner_label(self) -> str:
        if self.owner_user_id:
            return self.owner_user.get_full_name().strip() or self.owner_user.get_username()
        if self.owner_team_id:
            return self.owner_team.name
        return self.owner

    @property
    def owner_unassigned(self) -> bool:
        """The owner is only a name in words, matching nobody in the app."""
        return bool(self.owner) and not self.owner_user_id and not self.owner_team_id


class EntryQuerySet(models.QuerySet):
    def live(self):
        """Entries readers can see: published at least once and not retired (a reinstated entry stays out of
        the manual until its reinstatement is approved)."""
        return self.filter(live_version__isnull=False, retired_at__isnull=True)


class Entry(OwnerLabelMixin, PartsMixin, models.Model):
    manual = models.ForeignKey(Manual, on_delete=models.PROTECT, related_name="entries")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices, default=EntryKind.POLICY)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    summary = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True, help_text="Markdown")
    # Rendered, sanitised HTML of the working copy, for previews only.
    body_html = models.TextField(blank=True, editable=False)
    order = models.PositiveIntegerField(default=0)
    # Who answers for the entry: a person or a team, or else a name in words (shown as unassigned).
    owner = models.CharField(max_length=200, blank=True, help_text="Who answers for this entry, in words")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_entries"
    )
    owner_team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_entries"
    )
    channels = models.JSONField(default=list, blank=True, validators=[validate_channels])
    # The teams (by slug) the entry applies to; empty means everyone.
    audience = models.JSONField(default=list, blank=True, validators=[validate_audience])
    # An optional comprehension check: [{"prompt": ..., "choices": [...], "answer": index}], versioned with the
    # text. Readers must answer every question correctly to acknowledge.
    questions = models.JSONField(default=list, blank=True, validators=[validate_questions])
    # A protocol's scripts, [{"channel", "situation", "text"}], and a standard's measurable targets,
    # [{"metric", "channel", "comparison", "value", "unit", "period"}]: see ``parts``.
    scripts = models.JSONField(default=list, blank=True, validators=[validate_scripts])
    targets = models.JSONField(default=list, blank=True, validators=[validate_targets])
    review_every_months = models.PositiveSmallIntegerField(default=12)
    effective_date = models.DateField(null=True, blank=True)

    status = models.CharField(max_length=20, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    live_version = models.ForeignKey("EntryVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The version its audience must have acknowledged (or a later one): the newest material change. A minor fix
    # leaves it where it was, so earlier acknowledgements carry forward.
    ack_version = models.ForeignKey("EntryVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # An approved version waiting for its effective date: readers see ``live_version`` until then, and it
    # becomes live on the day without anyone acting (``policies.scheduling``).
    scheduled_version = models.ForeignKey(
        "EntryVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    has_unpublished_changes = models.BooleanField(default=True)
    first_published_at = models.DateTimeField(null=True, blank=True)
    last_published_at = models.DateTimeField(null=True, blank=True)
    # When the entry is next due for review: ``review_every_months`` calendar months after its last publication
    # or recorded review (the reviews app). Stored so the reviews page and the reminders can filter on it.
    next_review_on = models.DateField(null=True, blank=True, db_index=True, editable=False)
    # Set while the entry is out of the manual: from its retirement until a reinstated draft is approved.
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The author's note to the reviewer when submitting: what changed and why. It seeds the change summary.
    submission_note = models.TextField(blank=True)
    review_comment = models.TextField(blank=True, help_text="The reviewer's request for changes")
    review_comment_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Optimistic locking: every saved change bumps it; a save based on an older one is a conflict.
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["body_html", "updated_at"])
    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["manual", "section__order", "order", "id"]
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["manual", "slug"], name="entry_slug_unique_in_manual"),
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=True) | models.Q(owner_team__isnull=True),
                name="entry_owner_person_or_team",
                violation_error_message="An entry is owned by a person or by a team, not both.",
            ),
        ]
        permissions = [
            ("approve_entry", "Can approve and publish entries"),
            ("retire_entry", "Can retire entries"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:entry_detail", kwargs={"manual": self.manual.slug, "entry": self.slug})

    def clean(self):
        if self.section_id and self.manual_id and self.section.manual_id != self.manual_id:
            raise ValidationError({"section": "The section belongs to another manual."})

    @property
    def is_live(self) -> bool:
        return self.live_version_id is not None and self.retired_at is None

    @property
    def was_published(self) -> bool:
        return self.first_published_at is not None



class EntryVersion(OwnerLabelMixin, PartsMixin, models.Model):
    """An immutable published version of an entry: what readers saw from ``approved_at`` on."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    summary = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(default=0)
    owner = models.CharField(max_length=200, blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channels = models.JSONField(default=list, blank=True)
    audience = models.JSONField(default=list, blank=True)
    questions = models.JSONField(default=list, blank=True)
    scripts = models.JSONField(default=list, blank=True)
    targets = models.JSONField(default=list, blank=True)
    review_every_months = models.PositiveSmallIntegerField(default=12)
    effective_date = models.DateField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    # Nobody but its author approved it (four eyes was off, or an import published it). Recorded at approval as
    # a fact of the audit trail: it stays true if either person's account is later deleted (author and approver
    # are then None).
    approved_by_author = models.BooleanField(default=False)
    # When readers started (or will start) to see it: its approval, or the start of a later effective date.
    # None for a scheduled version withdrawn before its day (a newer one was approved first).
    takes_effect_at = models.DateTimeField(null=True, blank=True)
    change_summary = models.TextField()
    is_material = models.BooleanField(
        default=True, help_text="A material change asks readers to acknowledge again; a minor fix does not."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="entryversion_number_unique"),
        ]
        indexes = [
            models.Index(fields=["entry", "approved_at"], name="entryversion_entry_approved"),
            models.Index(fields=["entry", "takes_effect_at"], name="entryversion_entry_effect"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"

    @classmethod
    def of(cls, entry: Entry, **fields) -> EntryVersion:
        """An unsaved version holding the entry's versioned fields as they are now."""
        version = cls(entry=entry, **fields)
        for name in VERSIONED_FIELDS:
            setattr(version, name, getattr(entry, name))
        return version

    @property
    def channel_labels(self) -> list[str]:
        return channel_labels(self.channels)

    @property
    def channel_items(self) -> list[tuple[str, str]]:
        """(value, label) of each channel, for links to the channel pages."""
        return list(zip(self.channels, channel_labels(self.channels), strict=True))


class EntryRedirect(models.Model):
    """An address an entry used to have. Bookmarks and printed links keep working after a rename.

    Written whenever an entry's slug changes (including when a name is reserved for one of the manual's own
    pages and the entry using it is renamed); removed when another entry takes the old slug.
    """

    manual = models.ForeignKey(Manual, on_delete=models.CASCADE, related_name="+")
    old_slug = models.SlugField(max_length=100)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["manual", "old_slug"], name="entry_redirect_unique")]

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.entry_id}"
