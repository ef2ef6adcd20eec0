"""An entry's way through the workflow: draft, review, publication, retirement, reinstatement, deletion.

Each service checks permission and the transition first, writes, records who and why in the history, and
returns; publishing, retiring and reinstating announce it after the commit (``policies.events``). A save that
changes nothing writes no history row.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.selectors import unknown_team_slugs

from .. import events
from ..models import Entry, EntryRedirect, EntryStatus, EntryVersion, Manual, Section
from ..models.entry import EDITABLE_FIELDS, PLACEMENT_FIELDS
from ..models.parts import format_number, parse_number
from ..permissions import (
    can_approve,
    can_delete_draft,
    can_edit,
    can_manage,
    can_retire,
    four_eyes_blocks,
    require,
)
from ..rendering.markdown import render_markdown
from ..scheduling import effect_start, is_scheduled
from ..slugs import entry_slug_problem
from ..text import normalise_text
from ..values import render_entry_body
from .common import EditConflict, TransitionError, manual_link_map, save_with_history, touch_manual
from .publishing import take_effect, version_publish

# Named here too for callers that reach the fields through the services (the admin, the import).
ENTRY_CONTENT_FIELDS = VERSION_FIELDS = EDITABLE_FIELDS
# Single-line fields: surrounding whitespace and line breaks are never meaningful.
_LINE_FIELDS = ("title", "summary", "owner")


def normalise_entry_data(data: dict) -> dict:
    """Entry fields as they are stored, whichever way they came in (form, import, admin, API)."""
    clean = dict(data)
    if clean.get("body") is not None:
        clean["body"] = normalise_text(clean["body"])
    for field in _LINE_FIELDS:
        if isinstance(clean.get(field), str):
            clean[field] = " ".join(clean[field].split())
    if "channels" in clean:
        clean["channels"] = list(clean["channels"] or [])
    if "audience" in clean:
        clean["audience"] = sorted(set(clean["audience"] or []))
    if "questions" in clean:
        clean["questions"] = list(clean["questions"] or [])  # an empty admin field arrives as None
    if "scripts" in clean:
        clean["scripts"] = [_clean_script(s) for s in clean["scripts"] or []]
    if "targets" in clean:
        clean["targets"] = [_clean_target(t) for t in clean["targets"] or []]
    return clean


def _clean_script(script):
    if not isinstance(script, dict):
        return script  # refused, with its number, by the validation
    script = dict(script)
    if isinstance(script.get("situation"), str):
        script["situation"] = " ".join(script["situation"].split())
    if isinstance(script.get("text"), str):
        script["text"] = normalise_text(script["text"])
    return script


def _clean_target(target):
    if not isinstance(target, dict):
        return target
    target = {**dict.fromkeys(("channel", "period"), ""), **target}
    for name in ("metric", "unit", "period", "channel", "comparison"):
        if isinstance(target.get(name), str):
            target[name] = " ".join(target[name].split())
    number = parse_number(target.get("value"))
    if number is not None:
        target["value"] = format_number(number)
    return target


def _check_audience(audience: list[str]) -> None:
    unknown = unknown_team_slugs(audience)
    if unknown:
        raise ValidationError({"audience": f"No team is called {', '.join(unknown)}."})


def _check_owner(entry: Entry) -> None:
    """An entry is owned by a person or by a team (or, failing both, by a name in words), never by both."""
    if entry.owner_user_id and entry.owner_team_id:
        raise ValidationError("Choose a person or a team as the owner, not both.", code="two_owners")


def _check_slug(manual: Manual, slug: str, entry: Entry | None) -> None:
    problem = entry_slug_problem(manual, slug, entry=entry)
    if problem:
        raise ValidationError({"slug": problem})


def _record_rename(entry: Entry, old_slug: str) -> None:
    """Point the old address at the entry, and free the new one from any older redirect."""
    EntryRedirect.objects.filter(manual_id=entry.manual_id, old_slug=entry.slug).delete()
    EntryRedirect.objects.update_or_create(manual_id=entry.manual_id, old_slug=old_slug, defaults={"entry": entry})


def _diff(entry: Entry, data: dict) -> dict[str, tuple[object, object]]:
    changes = {}
    for field, value in data.items():
        current = getattr(entry, field)
        if field in ("channels", "audience"):
            current = list(current or [])
        if current != value:
            changes[field] = (current, value)
    return changes


def _ensure_editable(entry: Entry) -> None:
    if entry.status == EntryStatus.RETIRED:
        raise TransitionError("A retired entry cannot be changed; reinstate it first.", code="retired")


@transaction.atomic
def entry_save_draft(
    *,
    entry: Entry | None,
    manual: Manual,
    user,
    data: dict,
    base_lock_version: int | None = None,
    reason: str = "",
    note: str | None = None,
) -> Entry:
    """Create an entry or save changes to its working copy.

    Text is normalised first (line ends, trailing spaces), so a save with no real edit changes nothing.
    ``base_lock_version`` is the ``lock_version`` the editor started from; if someone saved since,
    ``EditConflict`` is raised and nothing is written. The published version stays live meanwhile.
    ``note`` is the note for the reviewer, kept with the draft until it is submitted (None leaves it as it is).
    It is not part of the text: a change to the note alone takes nothing out of review and makes no review stale.
    """
    require(can_edit(user), "Only editors and managers can edit entries.")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not an entry field: {', '.join(sorted(unknown))}")
    data = normalise_entry_data(data)
    if data.get("audience"):
        _check_audience(data["audience"])
    if entry is None:
        if "slug" in data:
            _check_slug(manual, data["slug"], None)
        if data.get("questions"):
            require(can_manage(user), "Only managers can change an entry's comprehension check.")
        entry = Entry(manual=manual, last_author=user, created_by=user, status=EntryStatus.DRAFT)
        for field, value in data.items():
            setattr(entry, field, value)
        entry.submission_note = normalise_text(note or "")
        _check_owner(entry)
        entry.body_html = render_entry_body(entry.body, manual=manual, link_map=manual_link_map(manual))
        save_with_history(entry, user=user, reason=reason or "Created as a draft")
        EntryRedirect.objects.filter(manual=manual, old_slug=entry.slug).delete()  # the address is its own now
        return entry

    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _ensure_editable(entry)
    changes = _diff(entry, data)
    if base_lock_version is not None and base_lock_version != entry.lock_version and changes:
        raise EditConflict(entry=entry, their_changes=entry_changes_since(entry, base_lock_version))
    note_changed = note is not None and normalise_text(note) != entry.submission_note
    if note_changed:
        entry.submission_note = normalise_text(note)
    if not changes or (base_lock_version is not None and base_lock_version != entry.lock_version):
        if note_changed:
            save_with_history(entry, user=user, reason=reason or "Changed the note for the reviewer")
        return entry
    if "slug" in changes:
        _check_slug(manual, data["slug"], entry)
    if "questions" in changes:
        require(can_manage(user), "Only managers can change an entry's comprehension check.")
    old_slug = entry.slug
    for field, (_old, new) in changes.items():
        setattr(entry, field, new)
    _check_owner(entry)
    if "body" in changes:
        entry.body_html = render_entry_body(entry.body, manual=manual, link_map=manual_link_map(manual))
    entry.lock_version += 1
    if set(changes) - PLACEMENT_FIELDS:
        entry.last_author = user
        entry.has_unpublished_changes = True
        if entry.status in (EntryStatus.PUBLISHED, EntryStatus.IN_REVIEW):
            # Editing text under review takes it back to draft: reviewers approve what they read.
            entry.status = EntryStatus.DRAFT
    edited = "Edited " + ", ".join(sorted(changes)) + (" and the note for the reviewer" if note_changed else "")
    save_with_history(entry, user=user, reason=reason or edited)
    if "slug" in changes:
        _record_rename(entry, old_slug)
    if set(changes) & PLACEMENT_FIELDS:
        touch_manual(manual)
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


def entry_changes_since(entry: Entry, lock_version: int) -> dict[str, tuple[object, object]]:
    """What changed in the working copy since it stood at ``lock_version``: field -> (then, now)."""
    then = entry.history.filter(lock_version=lock_version).order_by("-history_date", "-history_id").first()
    if then is None:
        return {}
    changes = {}
    for field in EDITABLE_FIELDS:
        attname = Entry._meta.get_field(field).attname  # ids for relations: the person or team may be gone
        old, new = getattr(then, attname), getattr(entry, attname)
        if old != new:
            changes[field] = (old, new)
    return changes


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def entry_broken_links(entry: Entry) -> list[str]:
    """Links in the entry's text that lead nowhere: slugs that name no entry of its manual, then addresses that
    are not addresses at all (``http://[x]/``), as typed."""
    html = render_markdown(entry.body, link_map=manual_link_map(entry.manual))
    return [*html.broken_links, *html.bad_addresses]


@transaction.atomic
def entry_submit(*, entry: Entry, user, summary: str = "", reason: str = "") -> Entry:
    """Send a draft to review, with the author's note of what changed and why (``summary``)."""
    require(can_edit(user), "Only editors and managers can submit entries.")
    entry = Entry.objects.select_for_update().select_related("manual").get(pk=entry.pk)
    _ensure_editable(entry)
    if not entry.has_unpublished_changes:
        raise TransitionError("There are no unpublished changes to submit.", code="nothing_to_submit")
    if entry.status != EntryStatus.DRAFT:
        raise TransitionError("Only a draft can be submitted for review.", code="not_a_draft")
    html = render_markdown(entry.body, link_map=manual_link_map(entry.manual))
    if html.broken_links or html.bad_addresses:
        problems = []
        if html.broken_links:
            problems.append("links to entries that do not exist: " + _quoted(html.broken_links))
        if html.bad_addresses:
            problems.append("links to addresses that cannot be opened: " + _quoted(html.bad_addresses))
        raise TransitionError(
            f"The text {' and '.join(problems)}. Correct or remove these links, then submit.",
            code="broken_links",
            params={"slugs": html.broken_links, "addresses": html.bad_addresses},
        )
    entry.status = EntryStatus.IN_REVIEW
    entry.submitted_by = user
    entry.submitted_at = timezone.now()
    entry.submission_note = normalise_text(summary)
    entry.review_comment = ""
    entry.review_comment_by = None
    save_with_history(entry, user=user, reason=reason or "Submitted for review")
    events.announce(events.entry_submitted, Entry, entry=entry, user=user)
    return entry


@transaction.atomic
def entry_request_changes(*, entry: Entry, user, comment: str) -> Entry:
    """Send a draft in review back to its author with a comment."""
    require(can_approve(user), "Only managers can review entries.")
    comment = normalise_text(comment or "")
    if not comment:
        raise ValidationError({"comment": "Say what needs to change."})
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.IN_REVIEW:
        raise TransitionError("Only an entry in review can be sent back.", code="not_in_review")
    entry.status = EntryStatus.DRAFT
    entry.review_comment = comment
    entry.review_comment_by = user
    save_with_history(entry, user=user, reason=f"Changes requested: {comment}")
    events.announce(events.changes_requested, Entry, entry=entry, user=user, comment=comment)
    return entry


@transaction.atomic
def entry_approve(
    *,
    entry: Entry,
    user,
    change_summary: str,
    is_material: bool = True,
    reviewed_lock_version: int | None = None,
    approved_at=None,
    enforce_review: bool = True,
    answers: Sequence[int] = (),
) -> EntryVersion:
    """Approve the working copy and publish it as the entry's next numbered version (``version_publish``).
    ``answers``: ids of the feedback items the reviewer says it answers, closed with it.

    With ``enforce_review`` (the web workflow) the entry must be in review, the approver must not be its last
    author where the manual asks for four eyes, and ``reviewed_lock_version`` must name the working copy the
    reviewer was shown: if its text changed since, nothing is published. The import command publishes without
    a review step because an administrator runs it deliberately with ``--publish``.
    """
    require(can_approve(user), "Only managers can approve and publish.")
    change_summary = normalise_text(change_summary or "")
    if not change_summary:
        raise ValidationError({"change_summary": "Say what changed and why."})
    entry = Entry.objects.select_for_update().select_related("manual").get(pk=entry.pk)
    _ensure_editable(entry)
    if enforce_review:
        if entry.status != EntryStatus.IN_REVIEW:
            raise TransitionError("Only an entry in review can be approved.", code="not_in_review")
        if four_eyes_blocks(user, entry):
            raise TransitionError(
                "Four eyes: someone other than the last author must approve this draft.", code="four_eyes"
            )
        if reviewed_lock_version is None:
            raise TransitionError("Say which text you reviewed: open the review page.", code="not_reviewed")
        if reviewed_lock_version != entry.lock_version:
            changed = set(entry_changes_since(entry, reviewed_lock_version)) - PLACEMENT_FIELDS
            if changed or not entry.history.filter(lock_version=reviewed_lock_version).exists():
                raise TransitionError(
                    "The draft changed after you opened it (%(fields)s). Read the new text before approving.",
                    code="stale_review",
                    params={"fields": ", ".join(sorted(changed)) or "its text"},
                )
    elif not entry.has_unpublished_changes:
        raise TransitionError("There is nothing new to publish.", code="nothing_to_publish")
    now = approved_at or timezone.now()
    last = entry.versions.order_by("-number").first()
    version = EntryVersion.of(
        entry,
        number=(last.number + 1) if last else 1,
        author=entry.last_author,
        approver=user,
        approved_at=now,
        approved_by_author=entry.last_author_id == user.pk,
        change_summary=change_summary,
        is_material=is_material,
    )
    # A later effective date keeps the version waiting for its day (``scheduling``); readers see it then.
    scheduled = is_scheduled(entry.effective_date, now=now)
    version.takes_effect_at = effect_start(entry.effective_date) if scheduled else now
    version._history_user = user
    version._change_reason = change_summary
    version.save()
    if entry.scheduled_version_id:  # a newer approval replaces a version still waiting for its day
        EntryVersion.objects.filter(pk=entry.scheduled_version_id).update(takes_effect_at=None)
        entry.scheduled_version = None
    entry.status = EntryStatus.PUBLISHED
    entry.has_unpublished_changes = False
    entry.retired_at = None  # an approved reinstatement puts the entry back in the manual
    entry.retired_reason = ""
    entry.review_comment = ""
    entry.review_comment_by = None
    entry.submission_note = ""
    reason = f"Published version {version.number}: {change_summary}"
    if scheduled:
        reason = (
            f"Approved version {version.number}, taking effect on {entry.effective_date:%Y-%m-%d}: {change_summary}"
        )
        transaction.on_commit(lambda: _queue_taking_effect(version), robust=True)
    version_publish(entry=entry, version=version, user=user, now=now, reason=reason, answers=answers)
    return version


def _queue_taking_effect(version: EntryVersion) -> None:
    """Ask the background worker to make the version live when its day comes (where the backend can wait)."""
    if take_effect.get_backend().supports_defer:
        take_effect.using(run_after=version.takes_effect_at).enqueue()


@transaction.atomic
def entry_retire(*, entry: Entry, user, reason: str) -> Entry:
    """Take a published entry out of the manual. Nothing is deleted: its versions and history stay, and it
    can be reinstated."""
    require(can_retire(user), "Only managers can retire entries.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why the entry is retired."})
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == EntryStatus.RETIRED:
        raise TransitionError("The entry is already retired.", code="already_retired")
    if not entry.was_published:
        raise TransitionError(
            "This draft was never published, so there is nothing to retire; delete it instead.",
            code="never_published",
        )
    entry.status = EntryStatus.RETIRED
    entry.retired_at = timezone.now()
    entry.retired_reason = reason
    save_with_history(entry, user=user, reason=f"Retired: {reason}")
    touch_manual(entry.manual)
    events.announce(events.entry_retired, Entry, entry=entry, user=user, reason=reason)
    return entry


@transaction.atomic
def entry_reinstate(*, entry: Entry, user, reason: str = "") -> Entry:
    """Bring a retired entry back as a draft. Readers see it again only once the draft is reviewed and approved."""
    require(can_retire(user), "Only managers can reinstate entries.")
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.RETIRED:
        raise TransitionError("Only a retired entry can be reinstated.", code="not_retired")
    _check_slug(entry.manual, entry.slug, entry)
    entry.status = EntryStatus.DRAFT
    entry.has_unpublished_changes = True
    entry.last_author = user
    entry.lock_version += 1
    note = " ".join((reason or "").split())
    save_with_history(entry, user=user, reason="Reinstated as a draft" + (f": {note}" if note else ""))
    events.announce(events.entry_reinstated, Entry, entry=entry, user=user)
    return entry


@transaction.atomic
def entry_delete_draft(*, entry: Entry, user) -> None:
    """Delete a draft that was never published. The deletion is recorded in the entry's history."""
    entry = Entry.objects.select_for_update().select_related("manual").get(pk=entry.pk)
    if entry.was_published or entry.versions.exists():
        raise TransitionError(
            "This entry was published, so it stays in the record; retire it instead.", code="was_published"
        )
    require(can_delete_draft(user, entry), "Only the draft's author or a manager can delete it.")
    manual, entry_id, slug, title = entry.manual, entry.pk, entry.slug, entry.title
    entry._history_user = user
    entry._change_reason = "Deleted the draft (never published)"
    entry.delete()
    events.announce(events.entry_deleted, Entry, manual=manual, entry_id=entry_id, slug=slug, title=title, user=user)


def entry_restore(*, entry: Entry, version: EntryVersion, user) -> Entry:
    """Make a new draft from an old published version."""
    if version.entry_id != entry.pk:
        raise ValidationError("That version belongs to another entry.")
    data = {field: getattr(version, field) for field in EDITABLE_FIELDS}
    if entry_slug_problem(entry.manual, data["slug"], entry=entry):
        data.pop("slug")
    return entry_save_draft(
        entry=entry, manual=entry.manual, user=user, data=data, reason=f"Restored version {version.number} as a draft"
    )
