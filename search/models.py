"""The search index of the published manual, and what people searched for without finding it.

``SearchDocument`` holds one row per live entry (published, not retired): the text of its live version as
readers see it, never a draft. It is derived data, remade at will (``manage.py rebuild_search_index``), so,
like stored PDFs, it keeps no history. On PostgreSQL ``vector`` holds the weighted ``english`` tsvector (title
A, summary B, text C) behind a GIN index; on SQLite an FTS5 table with the porter tokenizer (``search_fts``,
made by migration 0001 and kept in step by triggers) indexes the same three columns.

``SearchTerm`` is the vocabulary of a manual's live text, for "did you mean": each word with the number of
documents holding it (a trigram index on PostgreSQL; ``difflib`` on SQLite).

``SearchLog`` is the record of failed searches (nothing found, or a result that did not help); it is a log,
each row written once, so it keeps no history either.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from policies.models import Entry, EntryKind, EntryVersion, Manual, Section


class SearchDocument(models.Model):
    # The short columns come first: SQLite reads a row's columns in order, and long texts spill onto overflow
    # pages that a filter on the manual or the kind should not have to read.
    manual = models.ForeignKey(Manual, on_delete=models.CASCADE, related_name="+")
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="search_document")
    version = models.ForeignKey(EntryVersion, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    # Where the entry sits now: arranging the manual takes effect at once, without a new version.
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    # Channel values and audience team slugs, each between spaces (" chat email "), so that one filter reads the
    # same on both databases: ``channels__contains=" chat "``. An empty audience means everyone.
    channels = models.CharField(max_length=200, blank=True)
    audience = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True, help_text="The live version's text as readers read it, without markup")
    # The document's vocabulary (see SearchTerm), space separated, so a change can say which words came and went.
    words = models.TextField(blank=True)
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["manual", "kind"], name="searchdoc_manual_kind"),
            GinIndex(fields=["vector"], name="searchdoc_vector"),  # PostgreSQL only (migration 0001)
        ]

    def __str__(self) -> str:
        return self.title


class SearchTerm(models.Model):
    manual = models.ForeignKey(Manual, on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=40)
    stem = models.CharField(max_length=40, help_text="The word's Snowball English stem: what the index matches")
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["manual", "word"], name="searchterm_unique")]
        indexes = [
            models.Index(fields=["manual", "stem"], name="searchterm_manual_stem"),
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="searchterm_word_trgm"),  # PostgreSQL only
        ]

    def __str__(self) -> str:
        return self.word


class SearchOutcome(models.TextChoices):
    NO_RESULTS = "no_results", "Nothing found"
    NOT_HELPFUL = "not_helpful", "Did not help"


class SearchLog(models.Model):
    manual = models.ForeignKey(Manual, on_delete=models.CASCADE, related_name="+")
    query = models.CharField(max_length=200, help_text="As typed (trimmed)")
    normalised_query = models.CharField(max_length=200, help_text="Lower case, one space between words")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The searcher's team slugs when they searched, between commas (",chat-support,phone-support,"), so that
    # ``teams__contains=",chat-support,"`` finds a team's searches on both databases.
    teams = models.CharField(max_length=500, blank=True)
    result_count = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20, choices=SearchOutcome.choices)
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    day = models.DateField(help_text="The searcher's day: one row per person, query and outcome a day")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["manual", "normalised_query"], name="searchlog_manual_query")]
        constraints = [
            # Reloading a page that found nothing, or pressing "This did not help" twice, counts once a day.
            models.UniqueConstraint(
                fields=["manual", "user", "normalised_query", "day"],
                condition=models.Q(outcome="no_results"),
                name="searchlog_no_results_once_a_day",
            ),
            models.UniqueConstraint(
                fields=["manual", "user", "normalised_query", "entry", "day"],
                condition=models.Q(outcome="not_helpful"),
                name="searchlog_not_helpful_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.query}"

    @property
    def team_slugs(self) -> list[str]:
        return [slug for slug in self.teams.split(",") if slug]


class FailedSearchFeedback(models.Model):
    """A failed search a manager turned into a feedback item: the page shows the item instead of the button."""

    manual = models.ForeignKey(Manual, on_delete=models.CASCADE, related_name="+")
    normalised_query = models.CharField(max_length=200)
    item = models.ForeignKey("feedback.FeedbackItem", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["manual", "normalised_query"], name="failedsearch_feedback_unique")
        ]

    def __str__(self) -> str:
        return f"{self.normalised_query} → feedback #{self.item_id}"
