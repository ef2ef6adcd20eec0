"""Keeping the index in step with the published manual.

``index_entries`` makes the documents of some entries match what readers see now: a document for each live
entry (its live version's text, where it sits now), none for drafts, retired or deleted entries. It reads the
entries afresh, so calling it twice, or for an entry that did not change, writes nothing. ``index_rebuild``
remakes a manual's documents, or every manual's, from scratch.

Both take the models as an argument so that the data migration can run them with its historical models.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Greatest, Replace

from policies.models import Entry

from .models import SearchDocument, SearchTerm
from .text import clean_line, plain_text, stem, vocabulary

SEARCH_CONFIG = "english"
BATCH = 500

# SQLite: the FTS5 table over the documents' title, summary and text (an external-content table reading the
# documents' own rows), kept in step by triggers, so that rows Django deletes in a cascade (a manual deleted, the
# demo reset) leave the index too. A migration that rebuilds the document table on SQLite drops the triggers:
# it must call ``sqlite_fts_install`` again (``rebuild_search_index`` does too).
SQLITE_FTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        title, summary, body, content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_update AFTER UPDATE OF title, summary, body ON search_searchdocument
    BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
        INSERT INTO search_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
    END""",
]


def sqlite_fts_install(schema_editor_or_cursor) -> None:
    """Create the FTS5 table and its triggers where missing (SQLite only)."""
    for statement in SQLITE_FTS:
        schema_editor_or_cursor.execute(statement)


@dataclass
class Models:
    Entry: type
    SearchDocument: type
    SearchTerm: type

    @classmethod
    def current(cls) -> Models:
        return cls(Entry=Entry, SearchDocument=SearchDocument, SearchTerm=SearchTerm)

    @classmethod
    def historical(cls, apps) -> Models:
        return cls(
            Entry=apps.get_model("policies", "Entry"),
            SearchDocument=apps.get_model("search", "SearchDocument"),
            SearchTerm=apps.get_model("search", "SearchTerm"),
        )


def _tags(values) -> str:
    return f" {' '.join(values)} " if values else ""


def document_fields(entry, version) -> dict:
    """What the index holds of a live entry: its live version's text, and where the entry sits now."""
    title, summary, body = clean_line(version.title), clean_line(version.summary), plain_text(version.body_html)
    # A protocol's scripts and a standard's targets are read and searched as part of the text.
    parts = [f"{s['situation']}: {s['text']}" for s in getattr(version, "scripts", None) or []]
    parts += [f"{t['metric']} {t['comparison'].replace('_', ' ')} {t['value']} {t['unit']} {t.get('period', '')}"
              for t in getattr(version, "targets", None) or []]  # fmt: skip
    if parts:
        body = " ".join([body, *(" ".join(part.split()) for part in parts)]).strip()
    return {
        "manual_id": entry.manual_id,
        "version_id": version.pk,
        "title": title,
        "summary": summary,
        "body": body,
        "kind": version.kind,
        "section_id": entry.section_id,
        "channels": _tags(version.channels),
        "audience": _tags(version.audience),
        "words": " ".join(sorted(vocabulary(title, summary, body))),
    }


def _vector():
    """Title before summary before text. Angle brackets become spaces first: PostgreSQL's parser would take
    ``<script>`` in an entry's text for a tag and skip the words after it."""
    body = Replace(
        Replace(F("body"), Value("<"), Value(" "), output_field=TextField()),
        Value(">"),
        Value(" "),
        output_field=TextField(),
    )
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector(body, weight="C", config=SEARCH_CONFIG)
    )


def _has_parts(models: Models) -> bool:
    """Whether the versions have scripts and targets (not in the migrations written before they existed)."""
    return any(f.name == "scripts" for f in models.Entry._meta.get_field("live_version").related_model._meta.fields)


def _live_entries(models: Models, **filters):
    return (
        models.Entry.objects.filter(live_version__isnull=False, retired_at__isnull=True, **filters)
        .select_related("live_version")
        .only(
            "id", "manual_id", "section_id", "live_version__id", "live_version__title", "live_version__summary",
            "live_version__body_html", "live_version__kind", "live_version__channels", "live_version__audience",
            *(("live_version__scripts", "live_version__targets") if _has_parts(models) else ()),
        )
    )  # fmt: skip


def index_entries(entry_ids: Iterable[int], *, models: Models | None = None) -> int:
    """Bring the documents of ``entry_ids`` in step with the entries as they are now. Returns how many documents
    were written or deleted."""
    models = models or Models.current()
    ids = sorted(set(entry_ids))
    if not ids:
        return 0
    Document = models.SearchDocument
    with transaction.atomic():
        # Lock the entries (not their versions: PostgreSQL refuses FOR UPDATE across the outer join), so two
        # processes indexing one entry at once take turns instead of both creating its document.
        list(models.Entry.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        live = {entry.pk: entry for entry in _live_entries(models, pk__in=ids)}
        documents = {doc.entry_id: doc for doc in Document.objects.filter(entry_id__in=ids)}
        vocabulary_change: dict[int, Counter] = defaultdict(Counter)
        gone = [doc for entry_id, doc in documents.items() if entry_id not in live]
        for doc in gone:
            vocabulary_change[doc.manual_id].subtract(doc.words.split())
        if gone:
            Document.objects.filter(pk__in=[doc.pk for doc in gone]).delete()
        written = []
        for entry_id, entry in live.items():
            fields = document_fields(entry, entry.live_version)
            doc = documents.get(entry_id)
            if doc is not None and all(getattr(doc, name) == value for name, value in fields.items()):
                continue
            if doc is None:
                doc = Document(entry_id=entry_id, **fields)
            else:
                vocabulary_change[doc.manual_id].subtract(doc.words.split())
                for name, value in fields.items():
                    setattr(doc, name, value)
            vocabulary_change[doc.manual_id].update(doc.words.split())
            doc.save()
            written.append(doc.pk)
        if written and connection.vendor == "postgresql":
            Document.objects.filter(pk__in=written).update(vector=_vector())
        for manual_id, change in vocabulary_change.items():
            _apply_vocabulary(models, manual_id, change)
    return len(written) + len(gone)


def _apply_vocabulary(models: Models, manual_id: int, change: Counter) -> None:
    """Add ``change`` (word -> documents gained or lost) to the manual's vocabulary."""
    Term = models.SearchTerm
    gained = [word for word, count in change.items() if count > 0]
    for start in range(0, len(gained), BATCH):
        Term.objects.bulk_create(
            [Term(manual_id=manual_id, word=w, stem=stem(w), documents=0) for w in gained[start : start + BATCH]],
            ignore_conflicts=True,
        )
    by_count: dict[int, list[str]] = defaultdict(list)
    for word, count in change.items():
        if count:
            by_count[count].append(word)
    for count, words in by_count.items():
        for start in range(0, len(words), BATCH):
            Term.objects.filter(manual_id=manual_id, word__in=words[start : start + BATCH]).update(
                documents=Greatest(F("documents") + count, 0)
            )
    if any(count < 0 for count in by_count):
        Term.objects.filter(manual_id=manual_id, documents=0).delete()


def index_rebuild(*, manual=None, models: Models | None = None) -> int:
    """Remake the documents and vocabulary of ``manual`` (every manual when None) from the live entries.
    Returns the number of documents."""
    models = models or Models.current()
    Document, Term = models.SearchDocument, models.SearchTerm
    scope = {"manual_id": manual.pk} if manual is not None else {}
    total = 0
    with transaction.atomic():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                sqlite_fts_install(cursor)
        Document.objects.filter(**scope).delete()
        Term.objects.filter(**scope).delete()
        counts: dict[int, Counter] = defaultdict(Counter)
        batch = []
        for entry in _live_entries(models, **scope).order_by("pk").iterator(chunk_size=BATCH):
            doc = Document(entry_id=entry.pk, **document_fields(entry, entry.live_version))
            counts[doc.manual_id].update(doc.words.split())
            batch.append(doc)
            if len(batch) >= BATCH:
                total += _create(Document, batch)
                batch = []
        total += _create(Document, batch)
        if connection.vendor == "postgresql":
            Document.objects.filter(**scope).update(vector=_vector())
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # the triggers have filled it; this also mends a stale one
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        for manual_id, words in counts.items():
            Term.objects.bulk_create(
                [Term(manual_id=manual_id, word=w, stem=stem(w), documents=n) for w, n in words.items()],
                batch_size=BATCH,
            )
    return total


def _create(Document, batch: list) -> int:
    Document.objects.bulk_create(batch)
    return len(batch)
