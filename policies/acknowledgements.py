"""Acknowledgement of the change, not the whole document.

Each live entry asks its audience (the teams it names, or everyone) to acknowledge its ``ack_version``: the
newest material change. Acknowledging that version or any later one counts, so a minor fix asks nobody again,
and someone asked again is shown the word diff between the version they last acknowledged and the current one.
A person has the manual's ``ack_days`` to do it, counted from the version's approval (or from the day they
joined, if later); past that it is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from people.selectors import user_team_slugs

from . import events
from .models import Acknowledgement, AckSource, Entry, EntryVersion, Manual, QuizAttempt
from .permissions import can_read, require


def applies_to(audience: list[str] | None, team_slugs: set[str]) -> bool:
    """Whether an entry with ``audience`` applies to someone in the teams ``team_slugs``."""
    return not audience or bool(team_slugs.intersection(audience))


def due_date(*, asked_at: datetime, joined_at: datetime | None, days: int) -> date:
    start = max(asked_at, joined_at) if joined_at else asked_at
    return timezone.localdate(start) + timedelta(days=days)


@dataclass
class AckState:
    """Where one person stands with one entry."""

    entry: Entry
    required: EntryVersion  # the version (or later) they must acknowledge
    acknowledged: EntryVersion | None  # the newest version they acknowledged, if any
    acknowledged_at: datetime | None
    due: date

    @property
    def done(self) -> bool:
        return self.acknowledged is not None and self.acknowledged.number >= self.required.number

    @property
    def overdue(self) -> bool:
        return not self.done and self.due < timezone.localdate()

    @property
    def asked_again(self) -> bool:
        """They acknowledged an earlier version, and a material change since asks them again."""
        return self.acknowledged is not None and not self.done


def _latest_acks(user, entry_ids) -> dict[int, Acknowledgement]:
    latest: dict[int, Acknowledgement] = {}
    for ack in (
        Acknowledgement.objects.filter(user=user, entry_id__in=entry_ids)
        .select_related("version")
        .order_by("entry_id", "version__number")
    ):
        latest[ack.entry_id] = ack  # ordered by number: the last one wins
    return latest


def states_for(user, entries) -> list[AckState]:
    """The acknowledgement state of ``user`` for each of ``entries`` that applies to them. One query.

    ``entries`` must have ``ack_version`` and ``manual`` loaded (``select_related``).
    """
    teams = user_team_slugs(user)
    applying = [e for e in entries if e.ack_version_id and applies_to(e.ack_version.audience, teams)]
    latest = _latest_acks(user, [e.pk for e in applying])
    states = []
    for entry in applying:
        ack = latest.get(entry.pk)
        states.append(
            AckState(
                entry=entry,
                required=entry.ack_version,
                acknowledged=ack.version if ack else None,
                acknowledged_at=ack.acknowledged_at if ack else None,
                due=due_date(
                    asked_at=entry.ack_version.approved_at, joined_at=user.date_joined, days=entry.manual.ack_days
                ),
            )  # fmt: skip
        )
    return states


def entry_state(entry: Entry, user) -> AckState | None:
    """Where ``user`` stands with one live entry, or None when it does not apply to them."""
    if not entry.ack_version_id:
        return None
    states = states_for(user, [entry])
    return states[0] if states else None


def pending_for(user) -> list[AckState]:
    """What awaits ``user``'s acknowledgement across every manual: newest material changes first. Two queries."""
    entries = (
        Entry.objects.live()
        .filter(ack_version__isnull=False)
        .select_related("ack_version", "manual", "live_version")
        .defer("body", "body_html", "ack_version__body", "ack_version__body_html", "live_version__body",
               "live_version__body_html")
    )  # fmt: skip
    states = [s for s in states_for(user, entries) if not s.done]
    states.sort(key=lambda s: (s.required.approved_at, s.entry.pk), reverse=True)
    return states


class WrongAnswers(ValidationError):
    """Some questions of the comprehension check were answered wrongly; ``wrong`` numbers them from 1."""

    def __init__(self, wrong: list[int]):
        self.wrong = wrong
        numbers = ", ".join(str(n) for n in wrong)
        super().__init__(
            f"Not yet: reread the entry for question{'s' if len(wrong) > 1 else ''} {numbers}, then try again.",
            code="wrong_answers",
        )


def check_answers(version: EntryVersion, answers) -> list[int]:
    """The numbers (from 1) of the version's questions that ``answers`` (chosen indexes) got wrong."""
    answers = list(answers or [])
    return [
        number
        for number, question in enumerate(version.questions or [], start=1)
        if number > len(answers) or answers[number - 1] != question["answer"]
    ]


def version_to_acknowledge(entry: Entry):
    """The version a reader acknowledges now: the live one, or a material change approved to take effect later,
    which its audience is asked to read ahead and acknowledge at once."""
    if entry.scheduled_version_id and entry.ack_version_id == entry.scheduled_version_id:
        return entry.ack_version
    return entry.live_version


def entry_acknowledge(*, entry: Entry, user, answers=None, source: str = AckSource.ENTRY, at: datetime | None = None):
    """Record that ``user`` has read the entry's live version (or the one to read ahead: ``version_to_acknowledge``)
    and will follow it. Doing it twice changes nothing.

    Where the version has a comprehension check, ``answers`` (the chosen index per question) must all be right:
    every try is recorded, and a wrong one raises ``WrongAnswers`` naming the questions to reread. Refused for an
    entry that is not live or does not apply to them.
    """
    require(can_read(user), "Sign in to acknowledge.")
    entry = Entry.objects.select_related("live_version", "ack_version").get(pk=entry.pk)
    if not entry.is_live:
        raise ValidationError("Only a published entry can be acknowledged.")
    if not applies_to(entry.ack_version.audience if entry.ack_version else entry.live_version.audience,
                      user_team_slugs(user)):  # fmt: skip
        raise ValidationError("This entry does not apply to your teams, so there is nothing to acknowledge.")
    target = version_to_acknowledge(entry)
    existing = Acknowledgement.objects.filter(user=user, version=target).first()
    if existing:
        return existing
    if target.questions and source == AckSource.ENTRY:
        wrong = check_answers(target, answers)
        attempt = QuizAttempt(user=user, entry=entry, version=target, wrong=wrong, passed=not wrong,
                              answers=[a if isinstance(a, int) else None for a in (answers or [])])  # fmt: skip
        attempt._history_user = user
        attempt._change_reason = "Answered the comprehension check"
        attempt.save()
        if wrong:
            raise WrongAnswers(wrong)  # not in a transaction: the attempt is kept
    ack = Acknowledgement(user=user, entry=entry, version=target, source=source,
                          acknowledged_at=at or timezone.now())  # fmt: skip
    ack._history_user = user
    ack._change_reason = f"Acknowledged version {target.number}"
    try:
        with transaction.atomic():
            ack.save()
    except IntegrityError:  # a second click that raced the first
        return Acknowledgement.objects.get(user=user, version=entry.live_version)
    events.announce(events.entry_acknowledged, Acknowledgement, version=target, user=user)
    return ack


def packet_sign(*, pdf, user) -> int:
    """Acknowledge every version an onboarding packet contains that applies to ``user``; the number acknowledged.

    The versions are the ones printed in the packet. Versions already acknowledged are left as they are.
    """
    from .pdfs import pdf_snapshot

    require(can_read(user), "Sign in to sign the packet.")
    snapshot, _options = pdf_snapshot(pdf)
    teams = user_team_slugs(user)
    versions = [v for v in snapshot.entries if applies_to(v.audience, teams)]
    if not versions:
        raise ValidationError("Nothing in this packet applies to your teams, so there is nothing to sign.")
    done = set(Acknowledgement.objects.filter(user=user, version__in=versions).values_list("version_id", flat=True))
    now = timezone.now()
    signed = 0
    with transaction.atomic():
        for version in versions:
            if version.pk in done:
                continue
            ack = Acknowledgement(user=user, entry_id=version.entry_id, version=version, acknowledged_at=now,
                                  source=AckSource.ONBOARDING)  # fmt: skip
            ack._history_user = user
            ack._change_reason = f"Signed the onboarding packet (version {version.number})"
            ack.save()
            events.announce(events.entry_acknowledged, Acknowledgement, version=version, user=user)
            signed += 1
    return signed


def acknowledged_as_of(manual: Manual, when: datetime) -> dict[tuple[int, int], EntryVersion]:
    """(user id, entry id) -> the newest version each person had acknowledged by ``when``. One query."""
    result: dict[tuple[int, int], EntryVersion] = {}
    for ack in (
        Acknowledgement.objects.filter(entry__manual=manual, acknowledged_at__lte=when)
        .select_related("version")
        .only("user_id", "entry_id", "version__number", "version__id", "version__entry_id")
        .order_by("version__number")
    ):
        result[(ack.user_id, ack.entry_id)] = ack.version
    return result


__all__ = [
    "packet_sign",
    "changed_since",
    "AckState", "acknowledged_as_of", "applies_to", "due_date", "entry_acknowledge", "entry_state", "pending_for",
    "states_for",
]  # fmt: skip


def changed_since(user, since: datetime | None, *, limit: int = 20) -> list[EntryVersion]:
    """Versions published since ``since`` (the person's last visit) that apply to them, newest first.

    One query for the versions and one for the person's teams. On a first visit, the last 30 days.
    """
    since = since or timezone.now() - timedelta(days=30)
    teams = user_team_slugs(user)
    versions = (
        EntryVersion.objects.filter(approved_at__gt=since, entry__live_version__isnull=False,
                                    entry__retired_at__isnull=True)
        .select_related("entry", "entry__manual")
        .defer("body", "body_html", "entry__body", "entry__body_html")
        .order_by("-approved_at")[:200]
    )  # fmt: skip
    return [v for v in versions if applies_to(v.audience, teams)][:limit]
