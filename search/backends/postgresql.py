"""PostgreSQL: the documents' weighted tsvector (GIN index), ``ts_rank`` and trigram similarity.

The query is one tsquery: any of the searched words may match (each with its synonyms; a quoted phrase as a
phrase), so that a question finds the entry holding most of its words; ``ts_rank`` averages over the words,
which ranks those entries first, and weighs a word in the title above one in the summary above one in the text.
"""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import Count, F, Q, Window

from policies.models import Entry, Section

from ..indexing import SEARCH_CONFIG
from ..models import SearchDocument, SearchTerm
from ..text import ParsedQuery
from .hits import Hit

# ts_rank's weights for D, C, B, A: text (C) 0.2, summary (B) 0.5, title (A) 1.0.
WEIGHTS = [0.1, 0.2, 0.5, 1.0]
# 1: divide the rank by 1 + the logarithm of the document's length, so a long entry that mentions a word in
# passing many times does not outrank a short one about it.
NORMALIZATION = 1


def _group(term) -> SearchQuery:
    if term.phrase:
        return SearchQuery(term.text, search_type="phrase", config=SEARCH_CONFIG)
    return reduce(or_, [SearchQuery(v, search_type="plain", config=SEARCH_CONFIG) for v in term.variants])


def _query(parsed: ParsedQuery, *, every_word: bool = False) -> SearchQuery:
    return reduce(and_ if every_word else or_, [_group(term) for term in parsed.terms])


def _filtered(queryset, filters):
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.section:
        queryset = queryset.filter(section__slug=filters.section)
    if filters.channel:
        queryset = queryset.filter(channels__contains=f" {filters.channel} ")
    if filters.team:
        queryset = queryset.filter(Q(audience="") | Q(audience__contains=f" {filters.team} "))
    return queryset


def find(manual, parsed: ParsedQuery, filters, limit: int, *, every_word: bool = False) -> tuple[list[Hit], int]:
    query = _query(parsed, every_word=every_word)
    documents = _filtered(SearchDocument.objects.filter(manual=manual, vector=query), filters)
    for word in parsed.excluded:
        documents = documents.exclude(vector=SearchQuery(word, search_type="plain", config=SEARCH_CONFIG))
    if limit <= 0:
        return [], documents.count()
    # The order and the count read the vectors only; the texts are read for the best ``limit`` alone.
    ranked = (
        documents.annotate(
            score=SearchRank(F("vector"), query, weights=WEIGHTS, normalization=NORMALIZATION),
            total=Window(Count("id")),
        )
        .order_by("-score", "id")
        .values("id", "score", "total")[:limit]
    )
    ranked_sql, params = ranked.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.entry_id, e.slug, d.title, d.summary, d.body, d.kind, s.title, s.slug, h.score, h.total "
            f"FROM ({ranked_sql}) h JOIN {SearchDocument._meta.db_table} d ON d.id = h.id "
            f"JOIN {Entry._meta.db_table} e ON e.id = d.entry_id "
            f"JOIN {Section._meta.db_table} s ON s.id = d.section_id "
            "ORDER BY h.score DESC, h.id",
            params,
        )
        rows = cursor.fetchall()
    total = rows[0][-1] if rows else 0
    return [Hit(*row[:-1]) for row in rows], total


def close_words(manual, words: list[str], *, candidates: int = 8) -> dict[str, list[tuple[str, int]]]:
    """For each of ``words``, the manual's words most like it by trigram similarity (pg_trgm's ``%``, on the
    trigram index), with how many documents hold each. One query per word."""
    found = {}
    for word in words:
        found[word] = list(
            SearchTerm.objects.filter(TrigramSimilar(F("word"), word), manual=manual)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "-documents", "word")
            .values_list("word", "documents")[:candidates]
        )
    return found
