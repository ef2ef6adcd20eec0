"""Acknowledgements' reactions: a version published asks its audience (once its manual is open to readers: opening
a manual asks the audiences of its live entries then), and acknowledging answers what asked.

Each reaction makes its notifications in a few queries however many people it reaches, keyed so that the same
event announced twice notifies nobody twice. A failure here is logged and never turns a publication that is
already stored into an error page.
"""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.formats import date_format

from notifications.models import NotificationKind
from notifications.services import notifications_mark_answered, notifications_send
from policies import events
from policies.models import Entry, EntryVersion, Manual

from . import events as ack_events
from . import obligations
from .obligations import audience_user_ids

_quietly = events.quietly("Asking to acknowledge")


def material_key(version_id: int, user_id: int) -> str:
    return f"material:{version_id}:{user_id}"


def reminder_prefixes(entry_id: int) -> tuple[str, str]:
    """The keys of the reminders (due soon, overdue) to acknowledge entry ``entry_id``, whatever their due date."""
    return f"ack_due_soon:{entry_id}:", f"ack_overdue:{entry_id}:"


@receiver(events.entry_published, dispatch_uid="acknowledgements.entry_published")
@_quietly
def entry_published(sender, *, entry, version, user, asks_acknowledgement=False, value_change=None, **kwargs) -> None:
    """A version its audience is asked to acknowledge (a material change, or an entry's first version): they are
    told (the approver aside), as publishing decided (``asks_acknowledgement``), with a new due date that replaces
    the reminders of the old one (marked read). A shared value's change publishes several entries at once: their
    notifications share a batch and are emailed when ``value_published`` comes, one email per person. While the
    manual is closed to readers nobody is asked (they could not open the link): ``manual_opened`` asks them then."""
    # Read afresh: a manual opened while this version was being approved asks its audience here or on opening,
    # and the shared key (``material_key``) keeps it to one notification.
    if not asks_acknowledgement or not Manual.objects.filter(pk=entry.manual_id, opened_at__isnull=False).exists():
        return
    notifications_mark_answered(key_prefixes=reminder_prefixes(entry.pk), created_before=version.approved_at)
    url = entry.get_absolute_url()
    batch = f"value:{value_change.pk}" if value_change is not None else ""
    summary = version.change_summary
    rows = [
        {"user_id": user_id, "kind": NotificationKind.MATERIAL_CHANGE, "url": url,
         "title": f"{'Changed' if version.number > 1 else 'New'}: {version.title}",
         "body": f"Version {version.number} of “{version.title}” in {entry.manual.title} changes what you do. "
                 f"Please read it and acknowledge it.\n\nWhat changed: {summary}"
                 if version.number > 1 else
                 f"“{version.title}” in {entry.manual.title} applies to you. Please read it and acknowledge it.",
         "key": material_key(version.pk, user_id), "batch": batch}
        for user_id in audience_user_ids(version.audience)
        if user_id != user.pk
    ]  # fmt: skip
    notifications_send(rows, deliver=value_change is None)


@receiver(events.manual_opened, dispatch_uid="acknowledgements.manual_opened")
@_quietly
def manual_opened(sender, *, manual, user, **kwargs) -> None:
    """A manual opened to readers: everyone its live entries ask (``obligations``) is asked now, one notification
    per person and entry with the due date counted from the opening. Each is keyed as the notice of the version
    asked for (``material_key``), so nobody is asked twice for the same version, however often this comes."""
    entries = list(obligations.asking_entries().filter(manual=manual).select_related("live_version"))
    rows = [
        {"user_id": due.user_id, "kind": NotificationKind.MATERIAL_CHANGE, "url": due.entry.get_absolute_url(),
         "title": f"New: {due.entry.live_version.title}",
         "body": f"“{due.entry.live_version.title}” in {manual.title} is now open to readers and applies to you. "
                 f"Please read it and acknowledge it by {date_format(due.due, 'j F Y')}.",
         "key": material_key(due.entry.ack_version_id, due.user_id)}
        for due in obligations.obligations(entries, obligations.readers())
        if not due.done
    ]  # fmt: skip
    notifications_send(rows)


@receiver(ack_events.entry_acknowledged, dispatch_uid="acknowledgements.entry_acknowledged")
@_quietly
def entry_acknowledged(sender, *, version, user, **kwargs) -> None:
    """What asked the person to acknowledge the entry is answered, so it is marked read: the material changes of
    its entry up to that version, and the reminders to acknowledge the entry when ``version`` is the one asked
    for (or later; an onboarding packet of an old edition may hold an earlier one)."""
    entry = Entry.objects.select_related("ack_version").only("ack_version__number").get(pk=version.entry_id)
    answered = EntryVersion.objects.filter(entry_id=entry.pk, number__lte=version.number).values_list("pk", flat=True)
    reminders = entry.ack_version is None or version.number >= entry.ack_version.number
    notifications_mark_answered(
        user=user, keys=[material_key(pk, user.pk) for pk in answered],
        key_prefixes=reminder_prefixes(entry.pk) if reminders else (),
    )  # fmt: skip
