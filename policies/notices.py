"""What the manual's work tells the people doing it (``policies.events``, sent after the commit): a reviewer that a
draft awaits them, an author that their draft was sent back or approved.

Each reaction makes its notifications in a few queries, keyed so that the same event announced twice notifies
nobody twice, then has them emailed. A failure here is logged and never turns a change that is already stored
into an error page.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.urls import reverse

from notifications.models import NotificationKind
from notifications.services import notifications_deliver, notifications_send
from people.selectors import users_with_perm

from . import events

_quietly = events.quietly("Notifying")


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "Someone"


def _active(user) -> bool:
    return bool(user and user.is_active)


@receiver(events.entry_published, dispatch_uid="policies.notices.entry_published")
@_quietly
def entry_published(sender, *, entry, version, user, value_change=None, **kwargs) -> None:
    """The author hears their draft was approved. A shared value's change publishes several entries at once: their
    notifications share a batch and wait for ``value_published``, so that each person gets one email."""
    author = get_user_model().objects.filter(pk=version.author_id).first() if version.author_id else None
    if not _active(author) or author.pk == user.pk:
        return
    notifications_send([{
        "user_id": author.pk, "kind": NotificationKind.DRAFT_APPROVED, "url": entry.get_absolute_url(),
        "title": f"Approved and published: {version.title}",
        "body": f"{_name(user)} approved your draft of “{version.title}”; it is published as version "
                f"{version.number}.\n\nChange summary: {version.change_summary}",
        "key": f"approved:{version.pk}:{author.pk}",
        "batch": f"value:{value_change.pk}" if value_change is not None else "",
    }], deliver=value_change is None)  # fmt: skip


@receiver(events.value_published, dispatch_uid="policies.notices.value_published")
@_quietly
def value_published(sender, *, value_change, user, **kwargs) -> None:
    """Every entry the shared value's change republished has made its notifications: email them."""
    notifications_deliver()


@receiver(events.entry_submitted, dispatch_uid="policies.notices.entry_submitted")
@_quietly
def entry_submitted(sender, *, entry, user, **kwargs) -> None:
    """Everyone who can review hears that a draft awaits them, except the person who submitted it."""
    url = reverse("policies:entry_review", kwargs={"manual": entry.manual.slug, "entry": entry.slug})
    note = f"\n\nTheir note: {entry.submission_note}" if entry.submission_note else ""
    submitted = entry.submitted_at.isoformat() if entry.submitted_at else ""
    reviewers = users_with_perm("policies.approve_entry").exclude(pk=user.pk)
    notifications_send([
        {"user_id": pk, "kind": NotificationKind.REVIEW_REQUESTED, "url": url,
         "title": f"Review requested: {entry.title}",
         "body": f"{_name(user)} sent “{entry.title}” in {entry.manual.title} for review.{note}",
         "key": f"review:{entry.pk}:{submitted}:{pk}"}
        for pk in reviewers.values_list("pk", flat=True)
    ])  # fmt: skip


@receiver(events.changes_requested, dispatch_uid="policies.notices.changes_requested")
@_quietly
def changes_requested(sender, *, entry, user, comment, **kwargs) -> None:
    """The entry's last author hears what the reviewer asked them to change."""
    author = entry.last_author
    if not _active(author) or author.pk == user.pk:
        return
    url = reverse("policies:entry_edit", kwargs={"manual": entry.manual.slug, "entry": entry.slug})
    submitted = entry.submitted_at.isoformat() if entry.submitted_at else ""
    notifications_send([{
        "user_id": author.pk, "kind": NotificationKind.CHANGES_REQUESTED, "url": url,
        "title": f"Changes requested: {entry.title}",
        "body": f"{_name(user)} sent “{entry.title}” back with this comment:\n\n{comment}",
        "key": f"changes:{entry.pk}:{submitted}:{author.pk}",
    }])  # fmt: skip
