"""SQLite: the FTS5 table (porter tokenizer) over the documents, ranked by ``bm25``, and ``difflib`` against
the manual's vocabulary for spelling suggestions.

The MATCH expression is built from the parsed words, each quoted, so nothing typed is read as FTS5 syntax: any
of the words may match (each with its synonyms; a quoted phrase as a phrase), and bm25 ranks the entries that
hold more of them, and the rarer ones, first.
"""

from __future__ import annotations

import difflib

from django.db import connection
from django.db.models.functions import Length

from policies.models import Entry, Section

from ..models import SearchDocument, SearchTerm
from ..text import ParsedQuery
from .hits import Hit

# bm25 weights of the columns: title, summary, text.
COLUMN_WEIGHTS = (10.0, 4.0, 1.0)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def match_expression(parsed: ParsedQuery, *, every_word: bool = False) -> str:
    groups = []
    for term in parsed.terms:
        if term.phrase:
            groups.append(_quoted(term.text))
        else:
            groups.append("(" + " OR ".join(_quoted(v) for v in term.variants) + ")")
    expression = (" AND " if every_word else " OR ").join(groups)
    if parsed.excluded:
        expression = f"({expression}) NOT ({' OR '.join(_quoted(w) for w in parsed.excluded)})"
    return expression


def _filters(filters) -> tuple[str, list]:
    sql, params = [], []
    if filters.kind:
        sql.append("d.kind = %s")
        params.append(filters.kind)
    if filters.section:
        sql.append("s.slug = %s")
        params.append(filters.section)
    if filters.channel:
        sql.append("instr(d.channels, %s) > 0")
        params.append(f" {filters.channel} ")
    if filters.team:
        sql.append("(d.audience = '' OR instr(d.audience, %s) > 0)")
        params.append(f" {filters.team} ")
    return "".join(f" AND {part}" for part in sql), params


def find(manual, parsed: ParsedQuery, filters, limit: int, *, every_word: bool = False) -> tuple[list[Hit], int]:
    where, params = _filters(filters)
    # bm25() may only be called in the query that MATCHes, so the matches are ranked first; CROSS JOIN keeps
    # SQLite from running the MATCH once per document of the manual instead. The filters and the order read the
    # short columns only, and the texts are read for the best ``limit`` alone.
    ranked = (
        "SELECT h.id, h.score, COUNT(*) OVER () AS total FROM "
        "(SELECT rowid AS id, -bm25(search_fts, {weights}) AS score FROM search_fts WHERE search_fts MATCH %s) h "
        f"CROSS JOIN {SearchDocument._meta.db_table} d ON d.id = h.id "
        f"{'JOIN ' + Section._meta.db_table + ' s ON s.id = d.section_id ' if filters.section else ''}"
        f"WHERE d.manual_id = %s{where}"
    ).format(weights=", ".join(str(w) for w in COLUMN_WEIGHTS))
    arguments = [match_expression(parsed, every_word=every_word), manual.pk, *params]
    with connection.cursor() as cursor:
        if limit <= 0:
            cursor.execute(f"SELECT COUNT(*) FROM ({ranked})", arguments)
            return [], cursor.fetchone()[0]
        cursor.execute(
            "SELECT d.entry_id, e.slug, d.title, d.summary, d.body, d.kind, s.title, s.slug, h.score, h.total "
            f"FROM ({ranked} ORDER BY h.score DESC, h.id LIMIT %s) h "
            f"JOIN {SearchDocument._meta.db_table} d ON d.id = h.id JOIN {Entry._meta.db_table} e ON e.id = d.entry_id "
            f"JOIN {Section._meta.db_table} s ON s.id = d.section_id ORDER BY h.score DESC, h.id",
            [*arguments, limit],
        )
        rows = cursor.fetchall()
    total = rows[0][-1] if rows else 0
    return [Hit(*row[:-1]) for row in rows], total


def close_words(manual, words: list[str], *, candidates: int = 8) -> dict[str, list[tuple[str, int]]]:
    """For each of ``words``, the manual's words most like it by ``difflib`` (among words of about the same
    length), with how many documents hold each. One query for all the words."""
    if not words:
        return {}
    shortest, longest = min(len(w) for w in words) - 2, max(len(w) for w in words) + 2
    counts = dict(
        SearchTerm.objects.filter(manual=manual)
        .annotate(length=Length("word"))
        .filter(length__gte=shortest, length__lte=longest)
        .values_list("word", "documents")
    )
    found = {}
    for word in words:
        near = [w for w in counts if abs(len(w) - len(word)) <= 2]
        found[word] = [(w, counts[w]) for w in difflib.get_close_matches(word, near, n=candidates, cutoff=0.6)]
    return found
