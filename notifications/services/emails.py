"""Sending what is due by email, as each person chose: each notification on its own, one digest a day, or none.

Run by the periodic work (``manage.py run_periodic``) and from the ``deliver_notifications`` task the receivers
enqueue; never inside a request. Running it twice sends nothing twice: a notification is claimed (its
``emailed_at`` set) before its email goes out, and released again if sending fails, so the next run retries it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from people.models import NotifyBy

from ..models import Notification

logger = logging.getLogger(__name__)

_USERS_PER_BATCH = 200


@dataclass(frozen=True)
class EmailedNote:
    """A notification as an email shows it: its title, its text, and its page as a full address."""

    title: str
    body: str
    link: str


def _emailed(note: Notification) -> EmailedNote:
    return EmailedNote(title=note.title, body=note.body, link=absolute_url(note.url))


def absolute_url(url: str) -> str:
    """``url`` as a link that works from an email: site-relative addresses are prefixed with ``SITE_URL``."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def _start_of_day(now: datetime) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(now), datetime.min.time()))


def _claim(ids: list[int], now: datetime) -> set[int]:
    """Mark the unsent ones among ``ids`` as emailed at ``now``; return those this run claimed (a run at the same
    time claims none of them)."""
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
    return set(Notification.objects.filter(pk__in=ids, emailed_at=now).values_list("pk", flat=True))


def _send(user, *, subject: str, template: str, context: dict, ids: list[int], now: datetime, connection) -> bool:
    """Send one email to ``user``; if it fails, release ``ids`` so the next run tries again."""
    context = {
        "user": user,
        "preferences_url": absolute_url(reverse("notifications:settings")),
        "list_url": absolute_url(reverse("notifications:list")),
        **context,
    }
    message = EmailMessage(subject=subject, body=render_to_string(template, context), to=[user.email],
                           connection=connection)  # fmt: skip
    try:
        connection.open()  # once: later calls find it open
        message.send()
    except Exception:  # the mail server is down or refused the address: the next run retries
        logger.exception("Could not email notifications %s to user %s", ids, user.pk)
        Notification.objects.filter(pk__in=ids, emailed_at=now).update(emailed_at=None)
        return False
    return True


def send_due_emails(*, now: datetime | None = None) -> int:
    """Email the notifications nobody has emailed yet, as each person chose. Returns how many emails were sent.

    - immediate: one email per notification, or per change for the notifications of one change (a shared
      value republishing several entries);
    - daily: one digest with everything unsent, at most once a calendar day (local time): the first run of
      the day sends it, and what arrives later that day waits for the next day's digest;
    - none, no email address, or no longer active: nothing is sent, and the notifications are marked as dealt
      with so later runs do not consider them again.

    Every email links to the person's notification settings.
    """
    now = now or timezone.now()
    user_ids = list(
        Notification.objects.filter(emailed_at__isnull=True).order_by().values_list("user_id", flat=True).distinct()
    )
    if not user_ids:
        return 0
    digested_today = set(
        Notification.objects.filter(emailed_at__gte=_start_of_day(now), emailed_at__lte=now,
                                    user__profile__notify_by=NotifyBy.DAILY)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )  # fmt: skip
    sent = 0
    connection = get_connection()  # opened by the first email, so a run that sends none never connects
    try:
        for start in range(0, len(user_ids), _USERS_PER_BATCH):
            batch = user_ids[start : start + _USERS_PER_BATCH]
            notes = (
                Notification.objects.filter(emailed_at__isnull=True, user_id__in=batch)
                .select_related("user", "user__profile")
                .order_by("user_id", "created_at", "id")
            )
            not_emailed: list[int] = []
            for _user_id, group in groupby(notes, key=lambda n: n.user_id):
                group = list(group)
                user = group[0].user
                profile = getattr(user, "profile", None)
                choice = profile.notify_by if profile else NotifyBy.IMMEDIATE
                if not user.is_active or not user.email or choice == NotifyBy.NONE:
                    not_emailed.extend(n.pk for n in group)
                elif choice == NotifyBy.DAILY:
                    if user.pk not in digested_today:  # else today's digest went out: these wait for tomorrow's
                        sent += _send_digest(user, group, now=now, connection=connection)
                else:
                    sent += _send_each(user, group, now=now, connection=connection)
            # Dealt with, in one write per batch: never emailed, and not considered again.
            Notification.objects.filter(pk__in=not_emailed, emailed_at__isnull=True).update(emailed_at=now)
    finally:
        connection.close()
    return sent


def notifications_skip_email(*, users, except_kinds=()) -> int:
    """Record the unemailed notifications of ``users`` as dealt with without emailing them, except those of
    ``except_kinds``. Returns how many.

    For notifications about the past made all at once (the demo's replayed year): they stay in the app, unread,
    but a year's backlog arriving in one morning would bury the few emails that matter today.
    """
    notes = Notification.objects.filter(user__in=users, emailed_at__isnull=True).exclude(kind__in=list(except_kinds))
    return notes.update(emailed_at=timezone.now())  # a delivery record without history: a plain update


def _send_digest(user, notes: list[Notification], *, now: datetime, connection) -> int:
    """One email with all of ``notes`` this run could claim."""
    claimed = _claim([n.pk for n in notes], now)
    notes = [n for n in notes if n.pk in claimed]
    if not notes:
        return 0
    count = len(notes)
    subject = f"Policy Manual: {count} new notification{'s' if count != 1 else ''}"
    context = {"notifications": [_emailed(n) for n in notes]}
    ok = _send(user, subject=subject, template="notifications/email/digest.txt", context=context,
               ids=sorted(claimed), now=now, connection=connection)  # fmt: skip
    return int(ok)


def _send_each(user, notes: list[Notification], *, now: datetime, connection) -> int:
    """An email for each of ``notes`` this run could claim, and one for all those of one change (a batch)."""
    claimed = _claim([n.pk for n in notes], now)
    emails: dict[str | int, list[Notification]] = {}
    for note in notes:
        if note.pk in claimed:
            emails.setdefault(note.batch or note.pk, []).append(note)
    sent = 0
    for group in emails.values():
        ids = [n.pk for n in group]
        if len(group) == 1:
            [note] = group
            context = {"notification": _emailed(note)}
            sent += _send(user, subject=f"Policy Manual: {note.title}", template="notifications/email/immediate.txt",
                          context=context, ids=ids, now=now, connection=connection)  # fmt: skip
        else:
            more = len(group) - 1
            subject = f"Policy Manual: {group[0].title} and {more} more"
            context = {"notifications": [_emailed(n) for n in group]}
            sent += _send(user, subject=subject, template="notifications/email/batch.txt",
                          context=context, ids=ids, now=now, connection=connection)  # fmt: skip
    return sent


@task()
def deliver_notifications() -> int:
    """Email what is due, so people who chose immediate emails hear within moments of the event rather than at
    the next periodic run (a background job, run by `manage.py db_worker`, or at once where TASKS_IMMEDIATE is
    on). Safe to enqueue many times: each notification is emailed once."""
    return send_due_emails()
