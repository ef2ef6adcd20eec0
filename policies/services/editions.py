"""Numbered editions: the live manual frozen with its release notes."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import contributions, events, selectors
from ..models import Edition, EditionEntry, EditionSection, Manual
from ..permissions import can_release_edition, require
from ..rendering.markdown import render_markdown
from ..text import normalise_text
from ..values import release_note_lines as value_release_note_lines
from .common import save_with_history


def edition_suggest_label(manual: Manual, *, today: date | None = None) -> str:
    """The next label in the year.number scheme: 2026.1, 2026.2, ..."""
    year = (today or timezone.localdate()).year
    taken = set(Edition.objects.filter(manual=manual, label__startswith=f"{year}.").values_list("label", flat=True))
    number = 1
    while f"{year}.{number}" in taken:
        number += 1
    return f"{year}.{number}"


def _sentence(text: str) -> str:
    """``text`` ending in a full stop, unless it already ends in punctuation."""
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?:;…" else text + "."


def edition_draft_notes(manual: Manual) -> str:
    """Release notes in Markdown, generated from what changed since the previous edition, naming under each
    new or revised entry what the apps above say of it (the feedback it answered) and after them their own
    sections (the entries reviewed with no change): ``contributions.release_notes_*``."""
    previous = selectors.latest_edition(manual)
    since = previous.released_at if previous else None
    before = selectors.edition_snapshot(previous) if previous else None
    changes = selectors.snapshot_changes(before, selectors.manual_snapshot(manual, bodies=False))
    under: dict[str, list[str]] = {}
    for lines_by_slug in contributions.release_notes_under_entry.collect(manual=manual, since=since):
        for slug, line in lines_by_slug.items():
            under.setdefault(slug, []).append(line)
    sections = [
        lines
        for lines in contributions.release_notes_sections.collect(
            manual=manual, since=since, changed_slugs={c.slug for c in changes}
        )
        if lines
    ]
    if not changes and not sections:
        return "No entries changed since the previous edition."
    headings = {"new": "New entries", "revised": "Revised entries", "retired": "Retired entries"}
    lines: list[str] = []
    # A shared value's change is told once, with the entries it republished; under each of them, a short form.
    value_lines, short = value_release_note_lines(manual, previous.released_at if previous else None)
    if value_lines:
        lines += ["## Shared values", "", *value_lines, ""]
    for kind in ("new", "revised", "retired"):
        group = [c for c in changes if c.kind == kind]
        if not group:
            continue
        lines += [f"## {headings[kind]}", ""]
        for change in group:
            detail = " ".join(_sentence(short.get(s, s)) for s in change.summaries)
            if kind == "revised":
                detail = f"version {change.before.number} to {change.after.number}" + (f". {detail}" if detail else "")
            lines.append(f"- **{change.title}**" + (f": {detail}" if detail else ""))
            if kind != "retired":
                lines += [f"    - {line}" for line in under.get(change.slug, [])]
        lines.append("")
    for section in sections:
        lines += [*section, ""]
    return "\n".join(lines).strip() + "\n"


@transaction.atomic
def edition_release(*, manual: Manual, user, label: str, release_notes: str) -> Edition:
    """Freeze the live manual as a numbered edition. It never changes after this."""
    require(can_release_edition(user), "Only managers can release editions.")
    label = (label or "").strip()
    release_notes = normalise_text(release_notes or "")
    if Edition.objects.filter(manual=manual, label=label).exists():
        raise ValidationError({"label": f"Edition {label} already exists; choose another number."})
    manual = Manual.objects.select_for_update().get(pk=manual.pk)
    snapshot = selectors.manual_snapshot(manual, bodies=False)
    if not snapshot.entry_count:
        raise ValidationError("There is nothing published to release.")
    edition = Edition(
        manual=manual, label=label, release_notes=release_notes,
        release_notes_html=render_markdown(release_notes), released_at=timezone.now(), released_by=user,
        title=manual.title, organisation=manual.organisation, mission_html=manual.mission_html,
        vision_html=manual.vision_html,
    )  # fmt: skip
    save_with_history(edition, user=user, reason=f"Released edition {label}")
    items = []
    for position, view in enumerate((v for v in snapshot.sections if v.pages), start=1):
        section = EditionSection.objects.create(
            edition=edition, section=view.section, slug=view.section.slug, title=view.section.title,
            intro_html=view.section.intro_html, order=position,
        )  # fmt: skip
        items += [
            EditionEntry(edition=edition, edition_section=section, version=page.version, slug=page.entry_slug, order=i)
            for i, page in enumerate(view.pages, start=1)
        ]
    EditionEntry.objects.bulk_create(items)  # rows of a new, immutable edition: no history model of their own
    events.announce(events.edition_released, Edition, edition=edition, user=user)
    return edition
