"""Acknowledging: on an entry's page (with its comprehension check) or by signing an onboarding packet.

Every way of acknowledging goes through one rule, ``acknowledge_refusal``; who is asked and by when is decided in
``obligations``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from people.selectors import user_team_slugs
from policies import events
from policies.models import Entry, EntryVersion
from policies.pdfs import pdf_snapshot
from policies.permissions import can_read, require

from . import events as ack_events
from .models import Acknowledgement, AckSource, QuizAttempt
from .obligations import is_asked, latest_acks


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


@dataclass(frozen=True)
class Refusal:
    """Why a person may not acknowledge a version now (``acknowledge_refusal``)."""

    code: str
    message: str


NOT_LIVE = Refusal("not_live", "Only a published entry can be acknowledged.")
NOT_FOR_YOU = Refusal("not_for_you", "This entry does not apply to your teams, so there is nothing to acknowledge.")
ALREADY_DONE = Refusal("done", "You have already acknowledged this version.")
CHECK_NEEDED = Refusal("check_needed", "Answer the entry's comprehension check on its page first.")


@dataclass
class AckFacts:
    """What the acknowledgement rule needs to know about one person, read for many versions at once."""

    teams: set[str]
    administrator: bool  # a superuser: asked only through their teams (``obligations.is_asked``)
    latest: dict[int, Acknowledgement]  # entry id -> the newest version they acknowledged
    passed: set[int]  # ids of the versions whose comprehension check they passed


def ack_facts(user, versions) -> AckFacts:
    """The facts ``acknowledge_refusal`` weighs for ``user`` and ``versions``. Three queries at most."""
    checked = [v.pk for v in versions if v.questions]
    passed = QuizAttempt.objects.filter(user=user, version_id__in=checked, passed=True).values_list("version_id")
    return AckFacts(
        teams=user_team_slugs(user),
        administrator=user.is_superuser,
        latest=latest_acks(user, {v.entry_id for v in versions}),
        passed={pk for (pk,) in passed} if checked else set(),
    )


def acknowledge_refusal(*, entry: Entry, version: EntryVersion, facts: AckFacts) -> Refusal | None:
    """The acknowledgement rule, for every way of acknowledging (the entry's page, signing a packet): whether the
    person ``facts`` describe may acknowledge ``version`` of ``entry`` now, or what stops them.

    The version must be one readers acknowledge now (the live one, or a material change to read ahead), apply to
    their teams, not be acknowledged already (it or a later version), and, where it has a comprehension check,
    they must have passed that check for this very version: no other way of acknowledging skips it.
    """
    readable = {entry.live_version_id}
    if entry.scheduled_version_id and entry.ack_version_id == entry.scheduled_version_id:
        readable.add(entry.scheduled_version_id)
    if not entry.is_live or version.pk not in readable:
        return NOT_LIVE
    if not is_asked(version.audience, facts.teams, administrator=facts.administrator):
        return NOT_FOR_YOU
    latest = facts.latest.get(entry.pk)
    if latest is not None and latest.version.number >= version.number:
        return ALREADY_DONE
    if version.questions and version.pk not in facts.passed:
        return CHECK_NEEDED
    return None


def _record(*, user, entry: Entry, version: EntryVersion, source: str, at: datetime, reason: str) -> Acknowledgement:
    ack = Acknowledgement(user=user, entry=entry, version=version, source=source, acknowledged_at=at)
    ack._history_user = user
    ack._change_reason = reason
    ack.save()
    events.announce(ack_events.entry_acknowledged, Acknowledgement, version=version, user=user)
    return ack


def entry_acknowledge(*, entry: Entry, user, answers=None, source: str = AckSource.ENTRY, at: datetime | None = None):
    """Record that ``user`` has read the entry's live version (or the one to read ahead: ``version_to_acknowledge``)
    and will follow it. Doing it twice changes nothing.

    Where the version has a comprehension check not yet passed, ``answers`` (the chosen index per question) must
    all be right: every try is recorded, and a wrong one raises ``WrongAnswers`` naming the questions to reread.
    Anything else ``acknowledge_refusal`` refuses raises ``ValidationError`` saying why.
    """
    require(can_read(user), "Sign in to acknowledge.")
    entry = Entry.objects.select_related("live_version", "ack_version", "scheduled_version").get(pk=entry.pk)
    if not entry.is_live:
        raise ValidationError(NOT_LIVE.message, code=NOT_LIVE.code)
    target = version_to_acknowledge(entry)
    facts = ack_facts(user, [target])
    refusal = acknowledge_refusal(entry=entry, version=target, facts=facts)
    if refusal is ALREADY_DONE:
        return facts.latest[entry.pk]
    if refusal is CHECK_NEEDED:
        wrong = check_answers(target, answers)
        attempt = QuizAttempt(user=user, entry=entry, version=target, wrong=wrong, passed=not wrong,
                              answers=[a if isinstance(a, int) else None for a in (answers or [])])  # fmt: skip
        attempt._history_user = user
        attempt._change_reason = "Answered the comprehension check"
        attempt.save()
        if wrong:
            raise WrongAnswers(wrong)  # not in a transaction: the attempt is kept
        facts.passed.add(target.pk)
        refusal = acknowledge_refusal(entry=entry, version=target, facts=facts)
    if refusal is not None:
        raise ValidationError(refusal.message, code=refusal.code)
    try:
        with transaction.atomic():
            return _record(user=user, entry=entry, version=target, source=source, at=at or timezone.now(),
                           reason=f"Acknowledged version {target.number}")  # fmt: skip
    except IntegrityError:  # a second click that raced the first
        return Acknowledgement.objects.get(user=user, version=target)


@dataclass
class PacketSigning:
    """What signing an onboarding packet did: how many entries it acknowledged, and the entries that still need
    their comprehension check passed before they count."""

    signed: int
    needs_check: list[EntryVersion]


def _packet_verdicts(pdf, user) -> list[tuple[EntryVersion, Refusal | None]]:
    snapshot, _options = pdf_snapshot(pdf)
    versions = snapshot.entries
    facts = ack_facts(user, versions)
    return [(v, acknowledge_refusal(entry=v.entry, version=v, facts=facts)) for v in versions]


def packet_checks_needed(*, pdf, user) -> list[EntryVersion]:
    """The versions in an onboarding packet that ``user`` cannot acknowledge by signing it until they pass the
    entry's comprehension check, in the packet's order."""
    return [v for v, refusal in _packet_verdicts(pdf, user) if refusal is CHECK_NEEDED]


def packet_sign(*, pdf, user) -> PacketSigning:
    """Acknowledge every version an onboarding packet contains that ``user`` may acknowledge now
    (``acknowledge_refusal``). The versions are the ones printed in the packet. Versions already acknowledged
    are left as they are; versions with a comprehension check the person has not passed stay unacknowledged
    and are returned, so the page can send them to the check.
    """
    require(can_read(user), "Sign in to sign the packet.")
    verdicts = _packet_verdicts(pdf, user)
    if all(refusal is NOT_FOR_YOU for _v, refusal in verdicts):
        raise ValidationError("Nothing in this packet applies to your teams, so there is nothing to sign.")
    now = timezone.now()
    to_sign = [v for v, refusal in verdicts if refusal is None]
    with transaction.atomic():
        for version in to_sign:
            _record(user=user, entry=version.entry, version=version, source=AckSource.ONBOARDING, at=now,
                    reason=f"Signed the onboarding packet (version {version.number})")  # fmt: skip
    return PacketSigning(signed=len(to_sign), needs_check=[v for v, r in verdicts if r is CHECK_NEEDED])


__all__ = [
    "ALREADY_DONE", "CHECK_NEEDED", "NOT_FOR_YOU", "NOT_LIVE", "AckFacts", "PacketSigning", "Refusal", "WrongAnswers",
    "ack_facts", "acknowledge_refusal", "check_answers", "entry_acknowledge", "packet_checks_needed", "packet_sign",
    "version_to_acknowledge",
]  # fmt: skip
