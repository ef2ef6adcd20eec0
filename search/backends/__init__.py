"""The two ways of searching the index: PostgreSQL full-text search, and SQLite's FTS5. Each offers

- ``find(manual, parsed, filters, limit, every_word=False) -> (hits, total)``: the ``limit`` documents the
  database ranks best and how many match in all, in one query: documents holding any of the words, or with
  ``every_word`` only those holding every one;
- ``close_words(manual, words) -> {word: [(vocabulary word, documents), ...]}``: the manual's words most like
  each of ``words``, for "did you mean" (``text.correction`` chooses among them).
"""

from __future__ import annotations

from django.db import connection

from . import postgresql, sqlite
from .hits import Hit

__all__ = ["Hit", "current"]


def current():
    """The backend for the database in use."""
    return postgresql if connection.vendor == "postgresql" else sqlite
