"""Making notifications, marking them read, and how a person wants to hear about them."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from people.models import NotifyBy, Profile

from ..models import Notification
from ..tasks import deliver_notifications

_TITLE_MAX = Notification._meta.get_field("title").max_length


def _build(
    *, user_id: int, kind: str, title: str, body: str, url: str, key: str | None, batch: str = ""
) -> Notification:
    title = " ".join(title.split())
    if len(title) > _TITLE_MAX:
        title = title[: _TITLE_MAX - 1] + "…"
    note = Notification(user_id=user_id, kind=kind, title=title, body=body.strip(), url=url,
                        key=key or f"once:{uuid.uuid4().hex}", batch=batch)  # fmt: skip
    note.clean_fields(exclude=["user"])  # the user exists: it came from the database
    return note


def notify(*, user, kind: str, title: str, body: str = "", url: str = "", key: str | None = None):
    """Tell ``user`` something. Returns the new notification, or None when ``key`` was used before (the same
    event never notifies the same person twice) or the person is inactive.

    Without a ``key`` every call makes a new notification. Emails go out later (``send_due_emails``).
    """
    if not user.is_active:
        return None
    note = _build(user_id=user.pk, kind=kind, title=title, body=body, url=url, key=key)
    if Notification.objects.filter(key=note.key).exists():
        return None
    try:
        with transaction.atomic():
            note.save()
    except IntegrityError:  # the same event, notified at the same moment by another process
        return None
    return note


def notifications_create(rows: list[dict]) -> int:
    """Make many notifications at once: ``rows`` are ``notify`` keyword arguments with ``user_id`` for ``user``,
    for people the caller already knows are active, and a ``batch`` for those of one change that are emailed
    together. Keys used before are skipped. Returns how many were new.

    Two queries per thousand rows, so an entry read by two thousand people is announced in a few.
    """
    notes = {}
    for row in rows:
        note = _build(**row)
        notes.setdefault(note.key, note)
    if not notes:
        return 0
    existing: set[str] = set()
    keys = list(notes)
    for start in range(0, len(keys), 500):
        existing.update(Notification.objects.filter(key__in=keys[start : start + 500]).values_list("key", flat=True))
    new = [note for key, note in notes.items() if key not in existing]
    # ignore_conflicts: a key made by another process since the check above is skipped, not an error.
    Notification.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark ``user``'s unread notifications read: all of them, or those among ``ids``. Other people's
    notifications are never touched, whatever ``ids`` holds. Returns how many changed."""
    notes = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        notes = notes.filter(pk__in=list(ids))
    # A delivery record without history: a plain update is the right write here.
    return notes.update(read_at=timezone.now())


def notifications_mark_answered(
    *, keys=(), key_prefixes=(), user=None, created_before: datetime | None = None
) -> int:
    """Mark read the unread notifications that something done since has answered: those whose key is one of
    ``keys`` or starts with one of ``key_prefixes``, for ``user`` only when given, and made before
    ``created_before`` when given. The app that made them knows which they are. Returns how many changed."""
    answered = Q(key__in=list(keys))
    for prefix in key_prefixes:
        answered |= Q(key__startswith=prefix)
    notes = Notification.objects.filter(answered, read_at__isnull=True)
    if user is not None:
        notes = notes.filter(user=user)
    if created_before is not None:
        notes = notes.filter(created_at__lt=created_before)
    # A delivery record without history: a plain update is the right write here.
    return notes.update(read_at=timezone.now())


def notifications_send(rows: list[dict], *, deliver: bool = True) -> int:
    """``notifications_create`` the ``rows``, then have the worker email them at once (unless ``deliver`` is off:
    the rest of their change is still to come, and ``notifications_deliver`` follows). Returns how many were new."""
    created = notifications_create(rows)
    if created and deliver:
        notifications_deliver()
    return created


def notifications_deliver() -> None:
    """Have the worker email what is due now, rather than at the next periodic run. Safe to ask many times."""
    deliver_notifications.enqueue()


def notification_preference_save(*, user, notify_by: str, changed_by=None) -> Profile:
    """Set how ``user`` wants notifications emailed: each at once, one digest a day, or not at all.

    Recorded in the profile's history with who changed it (the person, unless ``changed_by`` says otherwise).
    """
    if notify_by not in NotifyBy.values:
        raise ValidationError({"notify_by": "Choose how you want to be emailed."})
    profile, _ = Profile.objects.get_or_create(user=user)
    if profile.notify_by == notify_by:
        return profile
    profile.notify_by = notify_by
    profile._history_user = changed_by or user
    profile._change_reason = f"Notification emails: {NotifyBy(notify_by).label}"
    profile.full_clean()
    profile.save()
    return profile
