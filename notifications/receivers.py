"""Notifications in reaction to what happened to the manual (``policies.events``, sent after the commit).

Each reaction makes its notifications in a few queries however many people it reaches, keyed so that the
same event announced twice notifies nobody twice, then enqueues the email delivery. A failure here is logged
and never turns a publication that is already stored into an error page.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse

from people import events as people_events
from policies import events

from . import selectors, services
from .models import NotificationKind
from .tasks import deliver_notifications

_quietly = events.quietly("Notifying")


def _create_and_deliver(rows: list[dict], *, deliver: bool = True) -> int:
    """Make ``rows`` and email them, unless ``deliver`` is off: the rest of their change is still to come."""
    created = services.notifications_create(rows)
    if created and deliver:
        deliver_notifications.enqueue()
    return created


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "Someone"


def _active(user) -> bool:
    return bool(user and user.is_active)


@receiver(events.entry_published, dispatch_uid="notifications.entry_published")
@_quietly
def entry_published(
    sender, *, entry, version, user, asks_acknowledgement=False, value_change=None, **kwargs
) -> None:
    """A version its audience is asked to acknowledge (a material change, or an entry's first version): they are
    told (the approver aside), as publishing decided (``asks_acknowledgement``), with a new due date that replaces
    the reminders of the old one. The author hears their draft was approved.

    A shared value's change publishes several entries at once: their notifications share a batch and wait for
    ``value_published``, so that each person gets one email about the change."""
    rows = []
    batch = f"value:{value_change.pk}" if value_change is not None else ""
    url = entry.get_absolute_url()
    if asks_acknowledgement:
        services.ack_reminders_retire(version=version)
        summary = version.change_summary
        for user_id in selectors.audience_user_ids(version.audience):
            if user_id == user.pk:
                continue
            rows.append({
                "user_id": user_id, "kind": NotificationKind.MATERIAL_CHANGE, "url": url,
                "title": f"{'Changed' if version.number > 1 else 'New'}: {version.title}",
                "body": f"Version {version.number} of “{version.title}” in {entry.manual.title} changes what you "
                        f"do. Please read it and acknowledge it.\n\nWhat changed: {summary}"
                        if version.number > 1 else
                        f"“{version.title}” in {entry.manual.title} applies to you. Please read it and "
                        f"acknowledge it.",
                "key": f"material:{version.pk}:{user_id}", "batch": batch,
            })  # fmt: skip
    author = get_user_model().objects.filter(pk=version.author_id).first() if version.author_id else None
    if _active(author) and author.pk != user.pk:
        rows.append({
            "user_id": author.pk, "kind": NotificationKind.DRAFT_APPROVED, "url": url,
            "title": f"Approved and published: {version.title}",
            "body": f"{_name(user)} approved your draft of “{version.title}”; it is published as version "
                    f"{version.number}.\n\nChange summary: {version.change_summary}",
            "key": f"approved:{version.pk}:{author.pk}", "batch": batch,
        })  # fmt: skip
    _create_and_deliver(rows, deliver=value_change is None)


@receiver(events.value_published, dispatch_uid="notifications.value_published")
@_quietly
def value_published(sender, *, value_change, user, **kwargs) -> None:
    """Every entry the shared value's change republished has made its notifications: email them."""
    deliver_notifications.enqueue()


@receiver(events.entry_acknowledged, dispatch_uid="notifications.entry_acknowledged")
@_quietly
def entry_acknowledged(sender, *, version, user, **kwargs) -> None:
    """What asked the person to acknowledge the entry is answered: it is marked read."""
    services.ack_requests_mark_read(user=user, version=version)


@receiver(events.entry_submitted, dispatch_uid="notifications.entry_submitted")
@_quietly
def entry_submitted(sender, *, entry, user, **kwargs) -> None:
    """Everyone who can review hears that a draft awaits them, except the person who submitted it."""
    url = reverse("policies:entry_review", kwargs={"manual": entry.manual.slug, "entry": entry.slug})
    note = f"\n\nTheir note: {entry.submission_note}" if entry.submission_note else ""
    submitted = entry.submitted_at.isoformat() if entry.submitted_at else ""
    rows = [
        {"user_id": pk, "kind": NotificationKind.REVIEW_REQUESTED, "url": url,
         "title": f"Review requested: {entry.title}",
         "body": f"{_name(user)} sent “{entry.title}” in {entry.manual.title} for review.{note}",
         "key": f"review:{entry.pk}:{submitted}:{pk}"}
        for pk in selectors.reviewers().exclude(pk=user.pk).values_list("pk", flat=True)
    ]  # fmt: skip
    _create_and_deliver(rows)


@receiver(events.changes_requested, dispatch_uid="notifications.changes_requested")
@_quietly
def changes_requested(sender, *, entry, user, comment, **kwargs) -> None:
    """The entry's last author hears what the reviewer asked them to change."""
    author = entry.last_author
    if not _active(author) or author.pk == user.pk:
        return
    url = reverse("policies:entry_edit", kwargs={"manual": entry.manual.slug, "entry": entry.slug})
    submitted = entry.submitted_at.isoformat() if entry.submitted_at else ""
    _create_and_deliver([{
        "user_id": author.pk, "kind": NotificationKind.CHANGES_REQUESTED, "url": url,
        "title": f"Changes requested: {entry.title}",
        "body": f"{_name(user)} sent “{entry.title}” back with this comment:\n\n{comment}",
        "key": f"changes:{entry.pk}:{submitted}:{author.pk}",
    }])  # fmt: skip


@receiver(people_events.person_invited, dispatch_uid="notifications.person_invited")
def person_invited(sender, *, person, title, body, url, key, **kwargs) -> None:
    """The invitation is stored with the person's transaction; its email goes out once it commits. A delivery that
    fails is retried by the next run of the sender, so it never turns a saved person into an error page."""
    services.notify(user=person, kind="invitation", title=title, body=body, url=url, key=key)
    transaction.on_commit(deliver_notifications.enqueue, robust=True)
