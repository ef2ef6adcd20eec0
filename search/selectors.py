"""Reads: searching the published manual, and the failed searches managers look at."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Aggregate, CharField, Count, Max, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.safestring import SafeString

from policies.models import Channel, Entry, EntryKind

from . import backends, ranking
from .models import FailedSearchFeedback, SearchDocument, SearchLog, SearchOutcome, SearchTerm
from .snippets import snippet
from .text import STOP_WORDS, Matcher, ParsedQuery, Vocabulary, correction, parse_query, stem

# Fewer results than this and a close spelling is looked for ("did you mean").
FEW_RESULTS = 3
# The database's best this many are ranked again (see ranking): enough that its own, rougher order does not
# decide which entries are shown.
CANDIDATES = 60
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


@dataclass
class SearchFilters:
    """What a search is narrowed to: a kind of entry, a section (slug), a channel, and a team (slug: entries
    for that team or for everyone)."""

    kind: str = ""
    section: str = ""
    channel: str = ""
    team: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchFilters:
        """The filters in a query string; unknown kinds and channels and malformed slugs are ignored."""

        def slug(name: str) -> str:
            value = (params.get(name) or "").strip()
            return value if _SLUG.match(value) else ""

        kind = (params.get("kind") or "").strip()
        channel = (params.get("channel") or "").strip()
        return cls(
            kind=kind if kind in EntryKind.values else "",
            section=slug("section"),
            channel=channel if channel in Channel.values else "",
            team=slug("team"),
        )

    def __bool__(self) -> bool:
        return any((self.kind, self.section, self.channel, self.team))

    def as_params(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value}


@dataclass
class SearchResult:
    entry_id: int
    slug: str
    url: str
    title: str
    kind: str
    section: str
    section_slug: str
    snippet_html: SafeString
    score: float

    @property
    def kind_label(self) -> str:
        return EntryKind(self.kind).label


@dataclass
class SearchResults:
    """What a search found. ``searched_for`` is the query the results answer: the one typed, or the spelling
    suggestion when the typed one found nothing and the suggestion found something (``corrected``)."""

    query: str
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    searched_for: str = ""
    suggestion: str = ""
    corrected: bool = False
    # When the filters left nothing: how many the search finds without them.
    without_filters: int | None = None
    # Whether the query had anything to look for (not only words like "how do I").
    searchable: bool = True

    def __bool__(self) -> bool:
        return bool(self.results)


def search(
    manual, query: str, filters: SearchFilters | None = None, limit: int = 20, *, correct: bool = True
) -> SearchResults:
    """Search the published text of ``manual`` (live versions of entries not retired; never drafts).

    Two queries when the search finds enough: how common each word is in the manual, then the search. When it
    finds little, one more per word the manual does not use, for a close spelling; the close spelling is searched
    when the typed query found nothing (unless ``correct`` is false: the person asked for exactly what they
    typed), and when filters left nothing, how many the search finds without them.
    """
    filters = filters or SearchFilters()
    parsed = parse_query(query)
    found = SearchResults(query=parsed.raw, searched_for=parsed.raw, searchable=bool(parsed))
    if not parsed:
        return found
    backend = backends.current()
    vocabulary = _vocabulary(manual, parsed.stems)
    planned = parsed.planned(vocabulary.frequencies, vocabulary.documents, enough=CANDIDATES)
    hits, found.total = _find(backend, manual, planned, filters, max(limit, CANDIDATES), vocabulary.documents)
    if found.total < FEW_RESULTS:
        found.suggestion = _suggestion(manual, parsed, vocabulary, backend)
        if found.suggestion and not hits and correct:
            corrected = parse_query(found.suggestion)
            corrected_vocabulary = _vocabulary(manual, corrected.stems)
            corrected_planned = corrected.planned(
                corrected_vocabulary.frequencies, corrected_vocabulary.documents, enough=CANDIDATES
            )
            hits, found.total = _find(
                backend, manual, corrected_planned, filters, max(limit, CANDIDATES), corrected_vocabulary.documents
            )
            if hits:
                planned, vocabulary = corrected_planned, corrected_vocabulary
                found.corrected, found.searched_for = True, found.suggestion
    if not hits and filters:
        found.without_filters = backend.find(manual, planned, SearchFilters(), 0)[1]
    hits = ranking.rank(hits, planned, vocabulary)[:limit]
    found.results = _results(manual, hits, Matcher(planned, vocabulary))
    return found


def _find(backend, manual, planned: ParsedQuery, filters: SearchFilters, candidates: int, documents: int):
    """The candidates to rank, and how many entries match. In a big manual, a question of several words can
    match half its entries through one word or another: when enough entries hold every word, those are the
    results (and the database ranks hundreds, not thousands); otherwise, entries holding any of them."""
    if len(planned.terms) > 1 and documents > candidates:
        hits, total = backend.find(manual, planned, filters, candidates, every_word=True)
        if total >= candidates:
            return hits, total
    return backend.find(manual, planned, filters, candidates)


def _vocabulary(manual, stems: set[str]) -> Vocabulary:
    """The manual's words with each of ``stems``, how many documents hold each, and how many documents the
    manual has. One query."""
    vocabulary = Vocabulary()
    if not stems:
        return vocabulary
    documents = SearchDocument.objects.filter(manual=manual).values("manual").annotate(n=Count("id")).values("n")
    rows = (
        SearchTerm.objects.filter(manual=manual, stem__in=stems)
        .annotate(n=Subquery(documents))
        .values_list("stem", "word", "documents", "n")
    )
    for word_stem, word, count, total in rows:
        vocabulary.frequencies[word_stem] = max(count, vocabulary.frequencies.get(word_stem, 0))
        vocabulary.forms.setdefault(word_stem, set()).add(word)
        vocabulary.documents = total
    return vocabulary


def _suggestion(manual, parsed: ParsedQuery, vocabulary: Vocabulary, backend) -> str:
    """The query with each word the manual does not use (in any form) replaced by the word of the manual it was
    probably meant as; "" unless every such word has one."""
    unknown = [
        w
        for w in parsed.plain_words
        if w.isalpha() and len(w) >= 3 and w not in STOP_WORDS and stem(w) not in vocabulary.frequencies
    ]
    if not unknown:
        return ""
    replacements = {word: correction(word, near) for word, near in backend.close_words(manual, unknown).items()}
    if not all(replacements.values()):
        return ""
    text = parsed.raw
    for word, better in replacements.items():
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, text, flags=re.IGNORECASE)
    return text


def _results(manual, hits, matcher: Matcher) -> list[SearchResult]:
    base = reverse("policies:manual_home", kwargs={"manual": manual.slug})
    return [
        SearchResult(
            entry_id=hit.entry_id,
            slug=hit.slug,
            url=f"{base}{hit.slug}/",
            title=hit.title,
            kind=hit.kind,
            section=hit.section_title,
            section_slug=hit.section_slug,
            snippet_html=snippet(hit.body, hit.summary, matcher),
            score=float(hit.score),
        )
        for hit in hits
    ]


# Failed searches -----------------------------------------------------------------------------------------------


class _Joined(Aggregate):
    """The distinct values of a text column in a group, joined with commas (STRING_AGG on PostgreSQL,
    GROUP_CONCAT on SQLite)."""

    function = "STRING_AGG"
    template = "%(function)s(DISTINCT %(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(DISTINCT %(expressions)s)"
        )


@dataclass
class FailedSearch:
    """Searches for one normalised query that found nothing or did not help."""

    query: str
    count: int
    last_searched: datetime
    teams: list[str]
    first_searched: datetime | None = None
    no_results: int = 0
    not_helpful: int = 0
    people: int = 0
    entries: list[str] = field(default_factory=list)  # slugs of the results marked "did not help"
    feedback_item_id: int | None = None
    # For the failed-searches page: the teams' names and the entries' titles, filled in by its view.
    team_labels: list[str] = field(default_factory=list)
    entry_labels: list[str] = field(default_factory=list)


def _failed_searches(manual, *, since=None, team: str = "", outcome: str = ""):
    logs = SearchLog.objects.filter(manual=manual)
    if outcome:
        logs = logs.filter(outcome=outcome)
    if since is not None:
        logs = logs.filter(created_at__gte=since)
    if team:
        logs = logs.filter(teams__contains=f",{team},")
    feedback = FailedSearchFeedback.objects.filter(manual=manual, normalised_query=OuterRef("normalised_query"))
    return (
        logs.values("normalised_query")
        .annotate(
            count=Count("id"),
            last_searched=Max("created_at"),
            first_searched=Min("created_at"),
            no_results=Count("id", filter=Q(outcome=SearchOutcome.NO_RESULTS)),
            not_helpful=Count("id", filter=Q(outcome=SearchOutcome.NOT_HELPFUL)),
            people=Count("user", distinct=True),
            team_list=_Joined("teams"),
            entry_list=_Joined("entry__slug"),
            feedback_item_id=Subquery(feedback.values("item_id")[:1]),
        )
        .order_by("-count", "-last_searched", "normalised_query")
    )


def _split(joined: str | None) -> list[str]:
    return sorted({part for part in (joined or "").split(",") if part})


def _row(values: dict) -> FailedSearch:
    return FailedSearch(
        query=values["normalised_query"],
        count=values["count"],
        last_searched=values["last_searched"],
        first_searched=values["first_searched"],
        teams=_split(values["team_list"]),
        no_results=values["no_results"],
        not_helpful=values["not_helpful"],
        people=values["people"],
        entries=_split(values["entry_list"]),
        feedback_item_id=values["feedback_item_id"],
    )


def top_failed_searches(
    manual, *, limit: int | None = 10, since=None, team: str = "", outcome: str = ""
) -> list[FailedSearch]:
    """The queries people searched for most without finding what they needed (nothing found, or a result that
    did not help), most often first: each with ``.query`` (normalised), ``.count``, ``.last_searched`` and
    ``.teams`` (team slugs), and the detail the misses page shows. ``since``: only searches from then on;
    ``team``: a team's searches; ``outcome``: only ``"no_results"`` or ``"not_helpful"``. One query."""
    rows = _failed_searches(manual, since=since, team=team, outcome=outcome)
    if limit is not None:
        rows = rows[:limit]
    return [_row(values) for values in rows]


def failed_search(manual, query: str) -> FailedSearch | None:
    """The failed searches for one normalised query, all time, or None."""
    values = _failed_searches(manual).filter(normalised_query=query).first()
    return _row(values) if values else None


def entry_titles(manual, slugs) -> dict[str, str]:
    """Titles of the manual's entries by slug (for the results named "did not help")."""
    if not slugs:
        return {}
    return dict(Entry.objects.filter(manual=manual, slug__in=list(slugs)).values_list("slug", "title"))
