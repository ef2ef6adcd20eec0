"""The two ways of searching the index: PostgreSQL full-text search, and SQLite's FTS5. Each offers

- ``find(manual, parsed, filters, limit, every_word=False) -> (hits, total)``: the ``limit`` documents the
  database ranks best and how many match in all, in one query: documents holding any of the words, or with
  ``every_word`` only those holding every one;
- ``close_words(manual, words) -> {word: [(vocabulary word, documents), ...]}``: the manual's words most like
  each of ``words``, for "did you mean" (``text.correction`` chooses among them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection


@dataclass
class Hit:
    entry_id: int
    slug: str
    title: str
    summary: str
    body: str
    kind: str
    section_title: str
    section_slug: str
    score: float


def current():
    """The backend for the database in use."""
    if connection.vendor == "postgresql":
        from . import postgresql

        return postgresql
    from . import sqlite

    return sqlite
