"""A shared value's way through the workflow: created, a change drafted, submitted, approved or sent back.

Approving a change publishes, in one transaction, a new version of every live entry whose text uses the value,
re-rendered with the new text, under one change summary ("Refund window: 30 days → 45 days. <why>"), material
or minor as chosen, each through ``publishing.version_publish`` as an approval would. An entry with a draft of
its own keeps it: only its live text is published again, and the draft's preview takes the new value.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import events
from ..models import Entry, EntryStatus, EntryVersion, Manual, SharedValue, SharedValueVersion, ValueStatus
from ..models.entry import VERSIONED_FIELDS
from ..permissions import can_approve, can_manage_values, four_eyes_blocks, require
from ..rendering.markdown import render_markdown
from ..text import normalise_text
from ..values import manual_values, names_in, rerender_link_map
from .common import TransitionError, save_with_history
from .publishing import version_publish


def _line(text: str) -> str:
    return " ".join((text or "").split())


def _sentence(text: str) -> str:
    return text if not text or text[-1] in ".!?:;…" else text + "."


def value_change_summary(*, label: str, old: str, new: str, reason: str) -> str:
    """The one line every entry version published by a value change carries."""
    reason = " ".join(reason.split())
    return _sentence(f"{label}: {old} → {new}") + (f" {_sentence(reason)}" if reason else "")


@transaction.atomic
def value_create(*, manual: Manual, user, name: str, label: str, value: str, reason: str = "") -> SharedValue:
    """Define a new value. It takes effect at once: no entry can use a name before it exists, so nothing readers
    see changes until an entry using it is itself reviewed and approved."""
    require(can_manage_values(user), "Only managers can define shared values.")
    name, label, value = (name or "").strip(), _line(label), _line(value)
    if not value:
        raise ValidationError({"value": "Give the value its text."})
    if SharedValue.objects.filter(manual=manual, name=name).exists():
        raise ValidationError({"name": f"This manual already has a value called {name}."})
    shared = SharedValue(manual=manual, name=name, label=label, value=value, created_by=user, last_author=user)
    reason = reason or "Created"
    save_with_history(shared, user=user, reason=reason)
    # A definition, not an approval (no entry uses the name yet), so ``approved_by_author`` stays unset.
    version = SharedValueVersion(
        shared_value=shared, number=1, label=label, value=value, reason=reason,
        change_summary=_sentence(f"{label}: {value}"), is_material=False, author=user, approver=user,
    )  # fmt: skip
    save_with_history(version, user=user, reason=reason)
    return shared


@transaction.atomic
def value_relabel(*, shared_value: SharedValue, user, label: str, reason: str = "") -> SharedValue:
    """Rename the value for people. It takes effect at once: the label names it on these pages and in change
    summaries, and changes no text readers see."""
    require(can_manage_values(user), "Only managers can change shared values.")
    shared = SharedValue.objects.select_for_update().get(pk=shared_value.pk)
    label = _line(label)
    if label and label != shared.label:
        old, shared.label = shared.label, label
        save_with_history(shared, user=user, reason=reason or f"Renamed from “{old}”")
    return shared


def _ensure_unchanged_since(shared: SharedValue, base_lock_version: int | None) -> None:
    if base_lock_version is not None and base_lock_version != shared.lock_version:
        raise TransitionError(
            "Someone changed this value's proposal after you opened it. Read it again before saving.",
            code="stale_review",
        )


@transaction.atomic
def value_save_draft(
    *,
    shared_value: SharedValue,
    user,
    value: str,
    reason: str = "",
    is_material: bool = True,
    label: str | None = None,
    base_lock_version: int | None = None,
) -> SharedValue:
    """Propose a new text for the value (readers keep the approved one), with what changed and why and whether
    the change is material. A new label takes effect at once: it names the value for managers and in change
    summaries, and changes no text readers see."""
    require(can_manage_values(user), "Only managers can change shared values.")
    shared = SharedValue.objects.select_for_update().get(pk=shared_value.pk)
    _ensure_unchanged_since(shared, base_lock_version)
    value, reason = _line(value), normalise_text(reason or "")
    if not value:
        raise ValidationError({"value": "Give the value its text."})
    if value == shared.value:
        raise ValidationError({"value": "That is the value readers already see; change it, or withdraw the change."})
    changes = {"draft_value": value, "draft_reason": reason, "draft_is_material": bool(is_material)}
    if label is not None and _line(label) and _line(label) != shared.label:
        changes["label"] = _line(label)
    if shared.status == ValueStatus.DRAFT and all(getattr(shared, k) == v for k, v in changes.items()):
        return shared  # nothing changed
    for field, new in changes.items():
        setattr(shared, field, new)
    shared.status = ValueStatus.DRAFT  # editing a change in review takes it back to draft
    shared.last_author = user
    shared.lock_version += 1
    save_with_history(shared, user=user, reason=f"Change drafted: {shared.value} → {value}")
    return shared


@transaction.atomic
def value_submit(*, shared_value: SharedValue, user) -> SharedValue:
    """Send the drafted change to review."""
    require(can_manage_values(user), "Only managers can change shared values.")
    shared = SharedValue.objects.select_for_update().get(pk=shared_value.pk)
    if shared.status != ValueStatus.DRAFT:
        raise TransitionError("Only a drafted change can be submitted for review.", code="not_a_draft")
    if not shared.draft_reason:
        raise ValidationError({"draft_reason": "Say what changed and why: every entry's new version carries it."})
    shared.status = ValueStatus.IN_REVIEW
    shared.submitted_by = user
    shared.submitted_at = timezone.now()
    shared.review_comment, shared.review_comment_by = "", None
    save_with_history(shared, user=user, reason="Change submitted for review")
    return shared


@transaction.atomic
def value_request_changes(*, shared_value: SharedValue, user, comment: str) -> SharedValue:
    """Send a change in review back to its author with a comment."""
    require(can_approve(user), "Only managers can review shared values.")
    comment = normalise_text(comment or "")
    if not comment:
        raise ValidationError({"comment": "Say what needs to change."})
    shared = SharedValue.objects.select_for_update().get(pk=shared_value.pk)
    if shared.status != ValueStatus.IN_REVIEW:
        raise TransitionError("Only a change in review can be sent back.", code="not_in_review")
    shared.status = ValueStatus.DRAFT
    shared.review_comment, shared.review_comment_by = comment, user
    save_with_history(shared, user=user, reason=f"Changes requested: {comment}")
    return shared


@transaction.atomic
def value_withdraw(*, shared_value: SharedValue, user) -> SharedValue:
    """Drop the proposed change; the approved value stays."""
    require(can_manage_values(user), "Only managers can change shared values.")
    shared = SharedValue.objects.select_for_update().get(pk=shared_value.pk)
    if shared.status == ValueStatus.PUBLISHED:
        raise TransitionError("There is no proposed change to withdraw.", code="nothing_to_submit")
    _clear_proposal(shared)
    save_with_history(shared, user=user, reason="Proposed change withdrawn")
    return shared


def _clear_proposal(shared: SharedValue) -> None:
    shared.status = ValueStatus.PUBLISHED
    shared.draft_value = shared.draft_reason = shared.review_comment = ""
    shared.draft_is_material = True
    shared.submitted_by = shared.submitted_at = shared.review_comment_by = None


@transaction.atomic
def value_approve(
    *,
    shared_value: SharedValue,
    user,
    reviewed_lock_version: int | None = None,
    is_material: bool | None = None,
    enforce_review: bool = True,
    approved_at=None,
) -> SharedValueVersion:
    """Approve the proposed change and publish it in every entry that uses the value.

    With ``enforce_review`` (the web workflow) the change must be in review, the approver must not be its
    author where the manual asks for four eyes, and ``reviewed_lock_version`` must name the proposal the
    reviewer was shown. ``is_material`` lets the reviewer correct the author's choice. The import publishes
    without review (``--publish``), as it does for entries.
    """
    require(can_approve(user), "Only managers can approve and publish.")
    shared = SharedValue.objects.select_for_update().select_related("manual").get(pk=shared_value.pk)
    if enforce_review:
        if shared.status != ValueStatus.IN_REVIEW:
            raise TransitionError("Only a change in review can be approved.", code="not_in_review")
        if four_eyes_blocks(user, shared):
            raise TransitionError(
                "Four eyes: someone other than the author of this change must approve it.", code="four_eyes"
            )
        if reviewed_lock_version is None:
            raise TransitionError("Say which change you reviewed: open the value's page.", code="not_reviewed")
        if reviewed_lock_version != shared.lock_version:
            raise TransitionError(
                "The proposed change was edited after you opened it. Read it again before approving.",
                code="stale_review",
            )
    elif shared.status == ValueStatus.PUBLISHED or not shared.draft_value:
        raise TransitionError("There is no proposed change to publish.", code="nothing_to_publish")
    material = shared.draft_is_material if is_material is None else bool(is_material)
    now = approved_at or timezone.now()
    old, new = shared.value, shared.draft_value
    summary = value_change_summary(label=shared.label, old=old, new=new, reason=shared.draft_reason)
    last = shared.versions.order_by("-number").first()
    version = SharedValueVersion(
        shared_value=shared, number=(last.number + 1) if last else 1, label=shared.label, value=new,
        previous_value=old, reason=shared.draft_reason, change_summary=summary, is_material=material,
        author=shared.last_author, approver=user, approved_at=now,
        approved_by_author=shared.last_author_id == user.pk,
    )  # fmt: skip
    save_with_history(version, user=user, reason=summary)
    shared.value = new
    _clear_proposal(shared)
    save_with_history(shared, user=user, reason=f"Published version {version.number}: {summary}")

    published = _publish_in_entries(shared, version, user=user, now=now)
    version.entry_versions.set(published)  # each marked the manual changed as it was published
    events.announce(events.value_published, SharedValueVersion, value_change=version, user=user)
    return version


def _publish_in_entries(shared: SharedValue, change: SharedValueVersion, *, user, now) -> list[EntryVersion]:
    """Re-render every entry of the manual that uses the value, publishing a new version of each live text that
    changes. Entries are locked in id order, and their text read after the lock, so a draft saved meanwhile is
    rendered again here with the new value."""
    manual, name = shared.manual, shared.name
    values = manual_values(manual)  # the new value is saved
    link_map = rerender_link_map(manual)
    uses_braces = Q(body__contains="{{") | Q(live_version__body__contains="{{")
    uses_braces |= Q(scheduled_version__body__contains="{{")
    candidates = Entry.objects.filter(uses_braces, manual=manual).values_list("pk", flat=True)
    published = []
    for pk in sorted(set(candidates)):
        entry = (
            Entry.objects.select_for_update(of=("self",)).select_related("live_version", "scheduled_version").get(pk=pk)
        )
        if name in names_in(entry.body):
            # The working copy's preview, which ``entry_approve`` copies into its next version. Not part of the
            # history (``body_html`` is excluded from it) and not an edit: the draft's author and its review
            # stand, so neither ``lock_version`` nor ``last_author`` moves.
            entry.body_html = render_markdown(entry.body, link_map=link_map, values=values)
            Entry.objects.filter(pk=pk).update(body_html=entry.body_html)
        if entry.status == EntryStatus.RETIRED:
            continue
        live = entry.live_version if entry.is_live else None
        html = _rendered_if_changed(live, name, link_map=link_map, values=values)
        if html is not None:
            version = _republish(entry, live, html=html, change=change, user=user, now=now, effect=now)
            reason = f"Published version {version.number}: {change.change_summary}"
            version_publish(entry=entry, version=version, user=user, now=now, reason=reason, value_change=change)
            published.append(version)
        scheduled = entry.scheduled_version  # approved, waiting for its effective date: it takes the value too
        html = _rendered_if_changed(scheduled, name, link_map=link_map, values=values)
        if html is not None:
            effect = scheduled.takes_effect_at
            version = _republish(entry, scheduled, html=html, change=change, user=user, now=now, effect=effect)
            scheduled.takes_effect_at = None  # withdrawn: the new version takes its place
            save_with_history(scheduled, user=user, reason=f"Replaced by version {version.number}")
            if entry.ack_version_id == scheduled.pk and not change.is_material:
                entry.ack_version = version  # those asked about the version it replaces are asked about this one
            reason = (
                f"Approved version {version.number}, taking effect on "
                f"{timezone.localdate(effect):%Y-%m-%d}: {change.change_summary}"
            )
            version_publish(entry=entry, version=version, user=user, now=now, reason=reason, value_change=change)
            published.append(version)
    return published


def _rendered_if_changed(version: EntryVersion | None, name: str, *, link_map, values) -> str | None:
    """``version``'s text rendered with the values now, if it uses ``name`` and reads differently."""
    if version is None or name not in names_in(version.body):
        return None
    html = render_markdown(version.body, link_map=link_map, values=values)
    return None if html == version.body_html else str(html)


def _republish(
    entry: Entry, source: EntryVersion, *, html: str, change: SharedValueVersion, user, now, effect
) -> EntryVersion:
    """A copy of ``source`` as the entry's next version, with ``html`` as its text: the fields of the version
    readers see (or will see on its effective date), whatever the working copy holds."""
    last = entry.versions.order_by("-number").first()
    version = EntryVersion(
        entry=entry,
        number=last.number + 1,
        author=change.author,
        approver=user,
        approved_at=now,
        approved_by_author=change.approved_by_author,
        takes_effect_at=effect,
        change_summary=change.change_summary,
        is_material=change.is_material,
    )
    for field in VERSIONED_FIELDS:
        setattr(version, field, getattr(source, field))
    version.body_html = html
    version._history_user = user
    version._change_reason = change.change_summary
    version.save()
    return version
