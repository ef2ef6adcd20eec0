"""Which web addresses an entry may take, in one place for the form, the import, the admin and the API.

The manual's own pages live beside its entries under ``/manuals/<manual>/``, so an entry called ``search`` would
be hidden by the search page. Those names are reserved, including the ones pages still to come will take. When a
name is added here later, a migration renames any entry already using it (``rename_entries_using``) and records a
redirect from its old address, so no entry is ever hidden.
"""

from __future__ import annotations

import re
import unicodedata

from .models import Entry, Manual

# Pages under /manuals/<manual>/ that exist now.
PAGE_SLUGS = frozenset({
    "new", "print", "review", "editions", "settings", "sections", "preview", "search", "compare", "onboarding",
    "pdfs", "import", "export",
})  # fmt: skip
# Pages that are planned; reserved now so that no entry has to be renamed when they arrive.
PLANNED_SLUGS = frozenset({
    "acknowledgements", "reviews", "feedback", "dashboard", "channels", "health", "values", "people", "api",
    "embed", "my", "reports", "templates", "docx", "word",
})  # fmt: skip
RESERVED_SLUGS = PAGE_SLUGS | PLANNED_SLUGS
# Manual addresses sit under /manuals/ beside these pages.
RESERVED_MANUAL_SLUGS = frozenset({"new", "import", "api", "people", "my"})


def entry_slug_problem(manual, slug: str, *, entry=None) -> str | None:
    """Why ``slug`` cannot be the address of ``entry`` (a new entry when None) in ``manual``, or None."""
    if slug in RESERVED_SLUGS:
        return f"“{slug}” is the address of one of the manual's own pages; choose another."
    clash = Entry.objects.filter(manual=manual, slug=slug)
    if entry is not None and entry.pk:
        clash = clash.exclude(pk=entry.pk)
    if clash.exists():
        return f"Another entry in this manual already uses the address “{slug}”."
    return None


def manual_slug_problem(slug: str, *, manual=None) -> str | None:
    """Why ``slug`` cannot be the address of a manual, or None."""
    if slug in RESERVED_MANUAL_SLUGS:
        return f"“{slug}” is the address of one of the app's own pages; choose another."
    clash = Manual.objects.filter(slug=slug)
    if manual is not None and manual.pk:
        clash = clash.exclude(pk=manual.pk)
    if clash.exists():
        return f"A manual with the address “{slug}” already exists; choose another."
    return None


def free_slug(taken: set[str], base: str) -> str:
    """``base-entry``, or ``base-entry-2`` and so on: the first that is neither taken nor reserved."""
    candidate, n = f"{base}-entry", 2
    while candidate in taken or candidate in RESERVED_SLUGS:
        candidate, n = f"{base}-entry-{n}", n + 1
    return candidate


def slug_from_title(title: str, *, max_length: int = 100) -> str:
    """The address the forms suggest for ``title`` (``static/js/slug.js`` does the same in the browser), with room
    left for a number: "Refunds & returns" gives ``refunds-returns``."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[: max_length - 4].rstrip("-")
    return slug or "entry"


def numbered_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` and so on: the first that is neither taken nor reserved."""
    candidate, n = base, 2
    while candidate in taken or candidate in RESERVED_SLUGS:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def rename_entries_using(apps, names) -> list[tuple[int, str, str]]:
    """For a data migration that reserves ``names``: rename every entry using one and redirect its old address.

    Works on the migration's historical models. The rename is written as a history row of its own, so the
    entry's timeline says why its address changed. Returns (entry id, old slug, new slug) for each rename.
    """
    from django.utils import timezone

    Entry = apps.get_model("policies", "Entry")
    EntryRedirect = apps.get_model("policies", "EntryRedirect")
    HistoricalEntry = apps.get_model("policies", "HistoricalEntry")
    renamed = []
    for entry in Entry.objects.filter(slug__in=list(names)).order_by("pk"):
        taken = set(Entry.objects.filter(manual_id=entry.manual_id).values_list("slug", flat=True))
        old, new = entry.slug, free_slug(taken, entry.slug)
        entry.slug = new
        entry.lock_version += 1
        entry.save(update_fields=["slug", "lock_version"])
        EntryRedirect.objects.update_or_create(
            manual_id=entry.manual_id, old_slug=old, defaults={"entry_id": entry.pk, "created_at": timezone.now()}
        )
        row = {f.attname: getattr(entry, f.attname) for f in Entry._meta.concrete_fields}
        row.pop("body_html", None)
        row.pop("updated_at", None)
        HistoricalEntry.objects.create(
            **row,
            history_date=timezone.now(),
            history_type="~",
            history_change_reason=f"Renamed from “{old}”: that address is now one of the manual's own pages",
        )
        renamed.append((entry.pk, old, new))
    return renamed
