"""Existing rows brought in line with the rules the services now enforce.

- Text saved from browsers kept CRLF line ends and trailing spaces; they are normalised, so a save with no edit
  no longer looks like a change. Published versions get the same treatment: only invisible whitespace changes.
- Retirement reasons become data (they were only in history change reasons).
- Each entry records who started it (its first history row), for deleting drafts.
- Entries using an address now reserved for the manual's own pages are renamed, with a redirect.
"""

from django.db import migrations

from policies.slugs import rename_entries_using
from policies.text import normalise_text

RETIRED_PREFIX = "Retired: "
# The names reserved by this migration, frozen: a later reservation comes with a migration of its own.
RESERVED = [
    "acknowledgements", "api", "channels", "compare", "dashboard", "docx", "editions", "embed", "export", "feedback",
    "health", "import", "my", "new", "onboarding", "pdfs", "people", "preview", "print", "reports", "review",
    "reviews", "search", "sections", "settings", "templates", "values", "word",
]


def forwards(apps, schema_editor):
    Entry = apps.get_model("policies", "Entry")
    EntryVersion = apps.get_model("policies", "EntryVersion")
    HistoricalEntry = apps.get_model("policies", "HistoricalEntry")
    Manual = apps.get_model("policies", "Manual")
    Section = apps.get_model("policies", "Section")

    for model, fields in ((Entry, ["body"]), (EntryVersion, ["body"]), (Manual, ["mission", "vision"]),
                          (Section, ["intro"]), (HistoricalEntry, ["body"])):  # fmt: skip
        for row in model.objects.only("pk", *fields).iterator():
            changed = [f for f in fields if normalise_text(getattr(row, f) or "") != (getattr(row, f) or "")]
            for f in changed:
                setattr(row, f, normalise_text(getattr(row, f)))
            if changed:
                row.save(update_fields=changed)

    for row in HistoricalEntry.objects.filter(history_change_reason__startswith=RETIRED_PREFIX, retired_reason=""):
        row.retired_reason = row.history_change_reason.removeprefix(RETIRED_PREFIX)[:500]
        row.save(update_fields=["retired_reason"])
    for entry in Entry.objects.filter(status="retired", retired_reason=""):
        last = (
            HistoricalEntry.objects.filter(id=entry.pk).exclude(retired_reason="").order_by("-history_date").first()
        )
        if last is not None:
            entry.retired_reason = last.retired_reason
            entry.save(update_fields=["retired_reason"])

    for entry in Entry.objects.filter(created_by__isnull=True):
        first = HistoricalEntry.objects.filter(id=entry.pk).order_by("history_date", "history_id").first()
        if first is not None and first.history_user_id:
            entry.created_by_id = first.history_user_id
            entry.save(update_fields=["created_by"])

    rename_entries_using(apps, RESERVED)


class Migration(migrations.Migration):
    dependencies = [("policies", "0004_review_and_groundwork")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
