"""Every change of state goes through a function here, so the views, the admin and the commands behave alike.

Each service checks permission and the transition first, writes, records who and why in the history, and
returns. A save that changes nothing writes no history row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import selectors
from .models import Edition, EditionEntry, EditionSection, Entry, EntryStatus, EntryVersion, Manual, Section
from .permissions import can_approve, can_edit, can_manage, can_retire, require
from .rendering.markdown import render_markdown

# Fields of the working copy an author edits. A published version snapshots the same set.
ENTRY_CONTENT_FIELDS = (
    "kind", "title", "slug", "summary", "body", "section", "order", "owner", "channels",
    "review_every_months", "effective_date",
)  # fmt: skip
VERSION_FIELDS = ENTRY_CONTENT_FIELDS
# Where an entry sits in the manual and its web address: they take effect at once and are not subject to
# review, because they change no text readers have not seen approved.
PLACEMENT_FIELDS = {"section", "order", "slug"}


class TransitionError(ValidationError):
    """The entry is not in a state that allows this step."""


@dataclass
class EditConflict(Exception):
    """Someone else saved the entry after the editor opened it."""

    entry: Entry
    their_changes: dict[str, tuple[object, object]]

    def __str__(self) -> str:
        return "Someone else saved this entry while you were editing it."


def _touch_manual(manual: Manual) -> None:
    """Mark the manual's published content as changed, so cached pages and stored PDFs are remade."""
    Manual.objects.filter(pk=manual.pk).update(content_changed_at=timezone.now())  # no history for a timestamp


def manual_link_map(manual: Manual) -> dict[str, int]:
    return dict(Entry.objects.filter(manual=manual).values_list("slug", "id"))


def _save(obj, *, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


def _apply(obj, data: dict) -> bool:
    """Set the fields that differ; say whether any did."""
    changed = False
    for field, value in data.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    return changed


def manual_save(*, manual: Manual | None, user, data: dict, reason: str = "") -> Manual:
    """Create a manual or change its title, organisation, mission, vision or settings."""
    require(can_manage(user), "Only managers can change a manual.")
    creating = manual is None
    manual = manual or Manual()
    if not _apply(manual, data) and not creating:
        return manual
    link_map = manual_link_map(manual) if manual.pk else None
    manual.mission_html = render_markdown(manual.mission, link_map=link_map)
    manual.vision_html = render_markdown(manual.vision, link_map=link_map)
    manual.content_changed_at = timezone.now()
    _save(manual, user=user, reason=reason or ("Created the manual" if creating else "Edited the manual"))
    return manual


def section_save(*, section: Section | None, manual: Manual, user, data: dict, reason: str = "") -> Section:
    """Create a section or change its title, slug, intro or place."""
    require(can_manage(user), "Only managers can change sections.")
    creating = section is None
    section = section or Section(manual=manual)
    if not _apply(section, data) and not creating:
        return section
    section.intro_html = render_markdown(section.intro, link_map=manual_link_map(manual))
    _save(section, user=user, reason=reason or ("Added the section" if creating else "Edited the section"))
    _touch_manual(manual)
    return section


def _diff(entry: Entry, data: dict) -> dict[str, tuple[object, object]]:
    changes = {}
    for field, value in data.items():
        current = getattr(entry, field)
        if field == "channels":
            current, value = list(current or []), list(value or [])
        if current != value:
            changes[field] = (current, value)
    return changes


@transaction.atomic
def entry_save_draft(
    *,
    entry: Entry | None,
    manual: Manual,
    user,
    data: dict,
    base_lock_version: int | None = None,
    reason: str = "",
) -> Entry:
    """Create an entry or save changes to its working copy.

    ``base_lock_version`` is the ``lock_version`` the editor started from; if someone saved since,
    ``EditConflict`` is raised and nothing is written. The published version stays live meanwhile.
    """
    require(can_edit(user), "Only editors and managers can edit entries.")
    unknown = set(data) - set(ENTRY_CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"Not an entry field: {', '.join(sorted(unknown))}")
    if entry is None:
        entry = Entry(manual=manual, last_author=user, status=EntryStatus.DRAFT)
        for field, value in data.items():
            setattr(entry, field, value)
        entry.body_html = render_markdown(entry.body, link_map=manual_link_map(manual))
        _save(entry, user=user, reason=reason or "Created as a draft")
        return entry

    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == EntryStatus.RETIRED:
        raise TransitionError("A retired entry cannot be edited.")
    changes = _diff(entry, data)
    if base_lock_version is not None and base_lock_version != entry.lock_version:
        if changes:
            raise EditConflict(entry=entry, their_changes=_changes_since(entry, base_lock_version))
        return entry
    if not changes:
        return entry
    for field, (_old, new) in changes.items():
        setattr(entry, field, new)
    if "body" in changes:
        entry.body_html = render_markdown(entry.body, link_map=manual_link_map(manual))
    entry.lock_version += 1
    if set(changes) - PLACEMENT_FIELDS:
        entry.last_author = user
        entry.has_unpublished_changes = True
        if entry.status in (EntryStatus.PUBLISHED, EntryStatus.IN_REVIEW):
            # Editing text under review takes it back to draft: reviewers approve what they read.
            entry.status = EntryStatus.DRAFT
    _save(entry, user=user, reason=reason or "Edited " + ", ".join(sorted(changes)))
    if set(changes) & PLACEMENT_FIELDS:
        _touch_manual(manual)
    return entry


def entry_move(*, entry: Entry, user, section: Section | None = None, order: int | None = None) -> Entry:
    """Place an entry in another section or position. Arranging the manual takes effect at once:
    it changes no text readers have not seen approved."""
    require(can_manage(user), "Only managers can arrange the manual.")
    data = {}
    if section is not None:
        data["section"] = section
    if order is not None:
        data["order"] = order
    return entry_save_draft(entry=entry, manual=entry.manual, user=user, data=data, reason="Moved in the manual")


@transaction.atomic
def entries_reorder(*, section: Section, user, entry_ids: list[int]) -> None:
    """Put the entries of a section in the given order."""
    require(can_manage(user), "Only managers can arrange the manual.")
    entries = {e.pk: e for e in Entry.objects.filter(section=section)}
    if set(entry_ids) != set(entries):
        raise ValidationError("The new order must list every entry of the section once.")
    for position, pk in enumerate(entry_ids, start=1):
        if entries[pk].order != position:
            entry_move(entry=entries[pk], user=user, order=position)


@transaction.atomic
def sections_reorder(*, manual: Manual, user, section_ids: list[int]) -> None:
    """Put the sections of a manual in the given order."""
    require(can_manage(user), "Only managers can arrange the manual.")
    sections = {s.pk: s for s in Section.objects.filter(manual=manual)}
    if set(section_ids) != set(sections):
        raise ValidationError("The new order must list every section of the manual once.")
    for position, pk in enumerate(section_ids, start=1):
        section_save(section=sections[pk], manual=manual, user=user, data={"order": position}, reason="Reordered")


def _changes_since(entry: Entry, lock_version: int) -> dict[str, tuple[object, object]]:
    """What others changed in the working copy since ``lock_version``: field -> (then, now)."""
    then = entry.history.filter(lock_version=lock_version).order_by("-history_date").first()
    if then is None:
        return {}
    changes = {}
    for field in ENTRY_CONTENT_FIELDS:
        attname = "section_id" if field == "section" else field
        old, new = getattr(then, attname), getattr(entry, attname)
        if old != new:
            changes[field] = (old, new)
    return changes


@transaction.atomic
def entry_submit(*, entry: Entry, user, reason: str = "") -> Entry:
    """Send a draft to review."""
    require(can_edit(user), "Only editors and managers can submit entries.")
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.DRAFT or not entry.has_unpublished_changes:
        raise TransitionError("Only a draft with unpublished changes can be submitted for review.")
    entry.status = EntryStatus.IN_REVIEW
    entry.submitted_by = user
    entry.submitted_at = timezone.now()
    entry.review_comment = ""
    _save(entry, user=user, reason=reason or "Submitted for review")
    return entry


@transaction.atomic
def entry_request_changes(*, entry: Entry, user, comment: str) -> Entry:
    """Send a draft in review back to its author with a comment."""
    require(can_approve(user), "Only managers can review entries.")
    if not comment.strip():
        raise ValidationError({"comment": "Say what needs to change."})
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.IN_REVIEW:
        raise TransitionError("Only an entry in review can be sent back.")
    entry.status = EntryStatus.DRAFT
    entry.review_comment = comment.strip()
    _save(entry, user=user, reason=f"Changes requested: {comment.strip()}")
    return entry


@transaction.atomic
def entry_approve(
    *,
    entry: Entry,
    user,
    change_summary: str,
    is_material: bool = True,
    approved_at=None,
    enforce_review: bool = True,
) -> EntryVersion:
    """Approve the working copy and publish it as the entry's next numbered version.

    With ``enforce_review`` (the web workflow) the entry must be in review and, where the manual asks for
    four eyes, the approver must not be its last author. The import command publishes without a review
    step because an administrator runs it deliberately with ``--publish``.
    """
    require(can_approve(user), "Only managers can approve and publish.")
    if not change_summary or not change_summary.strip():
        raise ValidationError({"change_summary": "Say what changed and why."})
    entry = Entry.objects.select_for_update().select_related("manual").get(pk=entry.pk)
    if entry.status == EntryStatus.RETIRED:
        raise TransitionError("A retired entry cannot be published.")
    if enforce_review:
        if entry.status != EntryStatus.IN_REVIEW:
            raise TransitionError("Only an entry in review can be approved.")
        if entry.manual.require_second_approver and entry.last_author_id == user.pk:
            raise TransitionError("Four eyes: someone other than the last author must approve this draft.")
    elif not entry.has_unpublished_changes:
        raise TransitionError("There is nothing new to publish.")
    now = approved_at or timezone.now()
    last = entry.versions.order_by("-number").first()
    version = EntryVersion(
        entry=entry,
        number=(last.number + 1) if last else 1,
        body_html=entry.body_html,
        author=entry.last_author,
        approver=user,
        approved_at=now,
        change_summary=change_summary.strip(),
        is_material=is_material,
    )
    for field in VERSION_FIELDS:
        setattr(version, field, getattr(entry, field))
    version._history_user = user
    version._change_reason = change_summary.strip()
    version.save()
    entry.live_version = version
    entry.status = EntryStatus.PUBLISHED
    entry.has_unpublished_changes = False
    entry.first_published_at = entry.first_published_at or now
    entry.last_published_at = now
    entry.review_comment = ""
    _save(entry, user=user, reason=f"Published version {version.number}: {change_summary.strip()}")
    _touch_manual(entry.manual)
    return version


@transaction.atomic
def entry_retire(*, entry: Entry, user, reason: str) -> Entry:
    """Take an entry out of the manual. Nothing is deleted: its versions and history stay."""
    require(can_retire(user), "Only managers can retire entries.")
    if not reason or not reason.strip():
        raise ValidationError({"reason": "Say why the entry is retired."})
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == EntryStatus.RETIRED:
        raise TransitionError("The entry is already retired.")
    entry.status = EntryStatus.RETIRED
    entry.retired_at = timezone.now()
    _save(entry, user=user, reason=f"{selectors.RETIRED_REASON_PREFIX}{reason.strip()}")
    _touch_manual(entry.manual)
    return entry


def entry_restore(*, entry: Entry, version: EntryVersion, user) -> Entry:
    """Make a new draft from an old published version."""
    if version.entry_id != entry.pk:
        raise ValidationError("That version belongs to another entry.")
    data = {field: getattr(version, field) for field in VERSION_FIELDS}
    if Entry.objects.filter(manual_id=entry.manual_id, slug=data["slug"]).exclude(pk=entry.pk).exists():
        data.pop("slug")
    return entry_save_draft(
        entry=entry, manual=entry.manual, user=user, data=data, reason=f"Restored version {version.number} as a draft"
    )


# Editions ------------------------------------------------------------------------------------------------------


def edition_suggest_label(manual: Manual, *, today: date | None = None) -> str:
    """The next label in the year.number scheme: 2026.1, 2026.2, ..."""
    year = (today or timezone.localdate()).year
    taken = set(Edition.objects.filter(manual=manual, label__startswith=f"{year}.").values_list("label", flat=True))
    number = 1
    while f"{year}.{number}" in taken:
        number += 1
    return f"{year}.{number}"


def edition_draft_notes(manual: Manual) -> str:
    """Release notes in Markdown, generated from what changed since the previous edition."""
    previous = selectors.latest_edition(manual)
    before = selectors.edition_snapshot(previous) if previous else None
    changes = selectors.snapshot_changes(before, selectors.manual_snapshot(manual, bodies=False))
    if not changes:
        return "No entries changed since the previous edition."
    headings = {"new": "New entries", "revised": "Revised entries", "retired": "Retired entries"}
    lines: list[str] = []
    for kind in ("new", "revised", "retired"):
        group = [c for c in changes if c.kind == kind]
        if not group:
            continue
        lines += [f"## {headings[kind]}", ""]
        for change in group:
            detail = "; ".join(change.summaries) if change.summaries else ""
            if kind == "revised":
                detail = f"version {change.before.number} to {change.after.number}" + (f": {detail}" if detail else "")
            lines.append(f"- **{change.title}**" + (f": {detail}" if detail else ""))
        lines.append("")
    return "\n".join(lines).strip() + "\n"


@transaction.atomic
def edition_release(*, manual: Manual, user, label: str, release_notes: str) -> Edition:
    """Freeze the live manual as a numbered edition. It never changes after this."""
    require(user.has_perm("policies.release_edition"), "Only managers can release editions.")
    label = (label or "").strip()
    if Edition.objects.filter(manual=manual, label=label).exists():
        raise ValidationError({"label": f"Edition {label} already exists; choose another number."})
    manual = Manual.objects.select_for_update().get(pk=manual.pk)
    snapshot = selectors.manual_snapshot(manual, bodies=False)
    if not snapshot.entry_count:
        raise ValidationError("There is nothing published to release.")
    edition = Edition(
        manual=manual, label=label, release_notes=release_notes.strip(),
        release_notes_html=render_markdown(release_notes), released_at=timezone.now(), released_by=user,
        title=manual.title, organisation=manual.organisation, mission_html=manual.mission_html,
        vision_html=manual.vision_html,
    )  # fmt: skip
    _save(edition, user=user, reason=f"Released edition {label}")
    items = []
    for position, view in enumerate((v for v in snapshot.sections if v.entries), start=1):
        section = EditionSection.objects.create(
            edition=edition, section=view.section, slug=view.section.slug, title=view.section.title,
            intro_html=view.section.intro_html, order=position,
        )  # fmt: skip
        items += [
            EditionEntry(edition=edition, edition_section=section, version=v, slug=v.entry_slug, order=i)
            for i, v in enumerate(view.entries, start=1)
        ]
    EditionEntry.objects.bulk_create(items)  # rows of a new, immutable edition: no history model of their own
    return edition
