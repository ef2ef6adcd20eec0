"""Manuals and their sections: creating them, changing their statements and settings, arranging them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import NotificationKind
from notifications.services import notifications_send
from people.selectors import users_with_perm

from .. import events
from ..models import Entry, Manual, Section
from ..permissions import (
    can_decide_four_eyes_off,
    can_manage,
    can_open_manual,
    can_switch_off_four_eyes,
    can_withdraw_four_eyes_off,
    require,
)
from ..rendering.markdown import render_markdown
from ..slugs import manual_slug_problem
from ..text import normalise_text
from .common import TransitionError, apply_changes, manual_link_map, save_with_history, touch_manual
from .entries import entry_move

MANUAL_TEXT_FIELDS = ("mission", "vision")


@transaction.atomic
def manual_save(*, manual: Manual | None, user, data: dict, reason: str = "", opened: bool = True) -> Manual:
    """Create a manual or change its title, organisation, mission, vision or settings.

    A new manual is open to readers at once unless ``opened`` is False: then only managers see it until one
    opens it (``manual_open``).

    Four-eyes approval (``require_second_approver``) is not set here like the other settings: it goes through
    ``manual_four_eyes_set``, so turning it off by a manager becomes a request another manager decides, and
    each change is recorded under its own reason. A new manual starts with it as its creator may set it.
    """
    require(can_manage(user), "Only managers can change a manual.")
    data = {k: normalise_text(v) if k in MANUAL_TEXT_FIELDS else v for k, v in data.items()}
    wanted = data.pop("require_second_approver", None)
    creating = manual is None
    manual = manual or Manual()
    if creating and not opened:
        manual.opened_at = None
    if creating and wanted is not None and (wanted or can_switch_off_four_eyes(user)):
        data["require_second_approver"] = bool(wanted)
    if "slug" in data and data["slug"] != manual.slug:
        problem = manual_slug_problem(data["slug"], manual=manual)
        if problem:
            raise ValidationError({"slug": problem})
    if apply_changes(manual, data) or creating:
        link_map = manual_link_map(manual) if manual.pk else None
        manual.mission_html = render_markdown(manual.mission, link_map=link_map)
        manual.vision_html = render_markdown(manual.vision, link_map=link_map)
        manual.content_changed_at = timezone.now()
        default = "Edited the manual"
        if creating:
            default = "Created the manual" + ("" if manual.require_second_approver else ", four-eyes approval off")
            default += "" if opened else ", closed to readers until a manager opens it"
        save_with_history(manual, user=user, reason=reason or default)
    if wanted is not None:  # compared with the stored row, which the caller's copy may not match
        manual = manual_four_eyes_set(manual=manual, user=user, on=bool(wanted))
    return manual


@transaction.atomic
def manual_open(*, manual: Manual, user) -> Manual:
    """Open a closed manual to readers: from now on agents and editors see it, in the list of manuals too."""
    require(can_manage(user), "Only managers can open a manual to readers.")
    manual = Manual.objects.select_for_update().get(pk=manual.pk)
    if not can_open_manual(user, manual):
        raise TransitionError("The manual is already open to readers.", code="already_open")
    manual.opened_at = timezone.now()
    manual.content_changed_at = manual.opened_at
    save_with_history(manual, user=user, reason=f"Opened the manual to readers ({_name(user)})")
    events.announce(events.manual_opened, Manual, manual=manual, user=user)
    return manual


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "someone"


@transaction.atomic
def manual_four_eyes_set(*, manual: Manual, user, on: bool) -> Manual:
    """Turn the manual's four-eyes approval on or off, as far as ``user`` may.

    Turning it on takes effect at once, whoever asks. Turning it off takes effect at once only for an
    administrator; a manager's wish is recorded as a pending request (``four_eyes_off_requested_by``) that
    another manager approves or declines, and until then approval still needs a second person. Asking again
    while a request waits changes nothing.
    """
    require(can_manage(user), "Only managers can change a manual.")
    manual = Manual.objects.select_for_update().get(pk=manual.pk)
    if on:
        if not manual.require_second_approver:
            manual.require_second_approver = True
            save_with_history(manual, user=user, reason=f"Four-eyes approval turned on by {_name(user)}")
        return manual
    if not manual.require_second_approver:
        return manual
    if can_switch_off_four_eyes(user):
        if manual.four_eyes_off_pending:
            requester = manual.four_eyes_off_requested_by
            reason = f"Four-eyes approval turned off, requested by {_name(requester)}, approved by {_name(user)}"
        else:
            reason = f"Four-eyes approval turned off by {_name(user)}"
        _four_eyes_off(manual, user=user, reason=reason + " (administrator)")
        return manual
    if not manual.four_eyes_off_pending:
        manual.four_eyes_off_requested_by = user
        manual.four_eyes_off_requested_at = timezone.now()
        save_with_history(
            manual,
            user=user,
            reason=f"Turning off four-eyes approval requested by {_name(user)}; it waits for another manager",
        )
        _tell_other_managers(manual, requester=user)
    return manual


def _tell_other_managers(manual: Manual, *, requester) -> None:
    """Tell every other manager, in the app and by email as each chose, that ``requester`` asked to turn four-eyes
    approval off, with a link to the settings page where they approve or decline."""
    title = f"{_name(requester)} asked to turn off four-eyes approval in {manual.title}"
    body = (
        "Approve or decline the request on the manual's settings page. Until another manager approves, every "
        "draft still needs someone other than its last author to approve it."
    )
    url = reverse("policies:manual_settings", kwargs={"manual": manual.slug})
    key = f"four-eyes-off:{manual.pk}:{manual.four_eyes_off_requested_at.isoformat()}"
    managers = users_with_perm("policies.manage_manual").exclude(pk=requester.pk).values_list("pk", flat=True)
    rows = [
        {"user_id": pk, "kind": NotificationKind.FOUR_EYES_OFF_REQUESTED, "title": title, "body": body, "url": url,
         "key": f"{key}:{pk}"}
        for pk in managers
    ]  # fmt: skip
    notifications_send(rows)


def _pending_request(manual: Manual) -> Manual:
    locked = Manual.objects.select_for_update(of=("self",))
    manual = locked.select_related("four_eyes_off_requested_by").get(pk=manual.pk)
    if not manual.four_eyes_off_pending:
        raise TransitionError("Nobody is waiting to turn off four-eyes approval.", code="no_request")
    return manual


def _four_eyes_off(manual: Manual, *, user, reason: str) -> None:
    manual.require_second_approver = False
    manual.four_eyes_off_requested_by = None
    manual.four_eyes_off_requested_at = None
    save_with_history(manual, user=user, reason=reason)


@transaction.atomic
def manual_four_eyes_off_approve(*, manual: Manual, user) -> Manual:
    """Approve another manager's request to turn four-eyes approval off: it is off from now on."""
    require(can_manage(user), "Only managers can change a manual.")
    manual = _pending_request(manual)
    if not can_decide_four_eyes_off(user, manual):
        raise TransitionError(
            "Four eyes: another manager must approve turning it off, not the one who asked.", code="four_eyes"
        )
    requester = manual.four_eyes_off_requested_by
    _four_eyes_off(
        manual,
        user=user,
        reason=f"Four-eyes approval turned off, requested by {_name(requester)}, approved by {_name(user)}",
    )
    return manual


@transaction.atomic
def manual_four_eyes_off_decline(*, manual: Manual, user) -> Manual:
    """Decline a request to turn four-eyes approval off, or withdraw one's own: it stays on."""
    require(can_manage(user), "Only managers can change a manual.")
    manual = _pending_request(manual)
    requester = manual.four_eyes_off_requested_by
    if can_withdraw_four_eyes_off(user, manual):
        reason = f"Request to turn off four-eyes approval withdrawn by {_name(user)}; it stays on"
    else:
        reason = (
            f"Turning off four-eyes approval declined, requested by {_name(requester)}, declined by {_name(user)}; "
            "it stays on"
        )
    manual.four_eyes_off_requested_by = None
    manual.four_eyes_off_requested_at = None
    save_with_history(manual, user=user, reason=reason)
    return manual


def section_save(*, section: Section | None, manual: Manual, user, data: dict, reason: str = "") -> Section:
    """Create a section or change its title, slug, intro or place."""
    require(can_manage(user), "Only managers can change sections.")
    if "intro" in data:
        data = {**data, "intro": normalise_text(data["intro"])}
    creating = section is None
    section = section or Section(manual=manual)
    if not apply_changes(section, data) and not creating:
        return section
    section.intro_html = render_markdown(section.intro, link_map=manual_link_map(manual))
    save_with_history(section, user=user, reason=reason or ("Added the section" if creating else "Edited the section"))
    touch_manual(manual)
    return section


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
