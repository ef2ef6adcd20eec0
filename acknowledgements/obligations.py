"""Who is asked to acknowledge what, by when, and whether it is done: decided here and nowhere else.

Each live entry asks its audience (the teams named on its ``ack_version``, or everyone) to acknowledge that
version: the newest material change. Acknowledging it or any later version counts, so a minor fix asks nobody
again. A person has the manual's ``ack_days`` to do it, counted from the version's approval (or from the day the
manual was opened to readers, or the day they joined, if later); past that it is overdue. A manual closed to
readers asks nothing of anyone: they cannot open it. Only active people are asked. An administrator (a superuser)
is asked as a member of their teams only: one in none of the teams an entry is for is not asked, and one in no
team at all is not asked even what is for everyone, since administering the site is not reading the manual.

The person's home page and the entry page (``states_for``), the reminders (``obligations``), the managers'
report and the dashboard built on it (``is_asked``, ``is_done``, ``overdue_cutoff`` over ``readers``), and the
notices of a material change (``audience_user_ids``) all ask these functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from people.selectors import user_team_slugs
from policies.models import Entry, EntryVersion

from .models import Acknowledgement


def applies_to(audience: Iterable[str] | None, team_slugs: Iterable[str]) -> bool:
    """Whether an entry with ``audience`` is for someone in the teams ``team_slugs`` (everyone when it names none)."""
    return not audience or bool(set(team_slugs).intersection(audience))


def is_asked(audience: Iterable[str] | None, team_slugs: Iterable[str], *, administrator: bool = False) -> bool:
    """Whether someone in ``team_slugs`` is asked to acknowledge an entry for ``audience``. ``administrator``: they
    are a superuser, asked only through a team the entry is for."""
    if administrator and not team_slugs:
        return False
    return applies_to(audience, team_slugs)


def asked_since(approved_at: datetime, opened_at: datetime | None) -> datetime | None:
    """When a version asks its audience: from its approval, or from its manual's opening to readers if that came
    later. None while the manual is closed (``opened_at`` None): nothing is asked of people who cannot open it."""
    if opened_at is None:
        return None
    return max(approved_at, opened_at)


def is_open_asking(entry: Entry) -> bool:
    """Whether a live entry with an ``ack_version`` asks anyone now: its manual is open to readers."""
    return entry.manual.opened_at is not None


def due_date(*, asked_at: datetime, joined_at: datetime | None, days: int) -> date:
    """The last day to acknowledge: ``days`` after the version asked (``asked_since``), or after the person joined
    if later."""
    start = max(asked_at, joined_at) if joined_at else asked_at
    return timezone.localdate(start) + timedelta(days=days)


def is_done(acknowledged: int | None, required: int) -> bool:
    """Whether having acknowledged version number ``acknowledged`` (None: none) answers a request for ``required``."""
    return acknowledged is not None and acknowledged >= required


def is_overdue(*, done: bool, due: date, on: date) -> bool:
    return not done and due < on


def overdue_cutoff(on: date, days: int) -> date:
    """``due_date`` seen from the other side, for counting many people at once: on the day ``on``, a request not
    done is overdue exactly when both the version's approval and the person's joining fall before this day."""
    return on - timedelta(days=days)


# One person --------------------------------------------------------------------------------------------------


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
        return is_done(self.acknowledged.number if self.acknowledged else None, self.required.number)

    @property
    def overdue(self) -> bool:
        return is_overdue(done=self.done, due=self.due, on=timezone.localdate())

    @property
    def asked_again(self) -> bool:
        """They acknowledged an earlier version, and a material change since asks them again."""
        return self.acknowledged is not None and not self.done


def latest_acks(user, entry_ids) -> dict[int, Acknowledgement]:
    """entry id -> the newest version ``user`` acknowledged of it. One query."""
    latest: dict[int, Acknowledgement] = {}
    for ack in (
        Acknowledgement.objects.filter(user=user, entry_id__in=entry_ids)
        .select_related("version")
        .order_by("entry_id", "version__number")
    ):
        latest[ack.entry_id] = ack  # ordered by number: the last one wins
    return latest


def states_for(user, entries) -> list[AckState]:
    """The acknowledgement state of ``user`` for each of ``entries`` that asks them. Two queries (their teams, their
    acknowledgements). ``entries`` must have ``ack_version`` and ``manual`` loaded (``select_related``)."""
    if not user.is_active:
        return []
    teams, administrator = user_team_slugs(user), user.is_superuser
    applying = [
        e
        for e in entries
        if e.ack_version_id
        and is_open_asking(e)
        and is_asked(e.ack_version.audience, teams, administrator=administrator)
    ]
    latest = latest_acks(user, [e.pk for e in applying])
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
                    asked_at=asked_since(entry.ack_version.approved_at, entry.manual.opened_at),
                    joined_at=user.date_joined, days=entry.manual.ack_days,
                ),
            )  # fmt: skip
        )
    return states


def entry_state(entry: Entry, user) -> AckState | None:
    """Where ``user`` stands with one live entry, or None when it asks nothing of them."""
    if not entry.ack_version_id:
        return None
    states = states_for(user, [entry])
    return states[0] if states else None


def asking_entries():
    """Live entries that ask for acknowledgement (in manuals open to readers), with the version they ask for and
    the manual's days."""
    return (
        Entry.objects.live()
        .filter(ack_version__isnull=False, manual__opened_at__isnull=False)
        .select_related("ack_version", "manual")
    )


def pending_for(user) -> list[AckState]:
    """What awaits ``user``'s acknowledgement across every manual: newest material changes first. Three queries."""
    entries = asking_entries().select_related("live_version").defer(
        "body", "body_html", "ack_version__body", "ack_version__body_html", "live_version__body",
        "live_version__body_html",
    )  # fmt: skip
    states = [s for s in states_for(user, entries) if not s.done]
    states.sort(key=lambda s: (s.required.approved_at, s.entry.pk), reverse=True)
    return states


# Everyone at once ----------------------------------------------------------------------------------------------


@dataclass
class Reader:
    """An active person as the acknowledgement rules see them."""

    user_id: int
    username: str
    name: str
    joined: datetime
    teams: frozenset[str]
    administrator: bool


def readers(*, until: datetime | None = None) -> list[Reader]:
    """Active people (who had joined by ``until``, when given) with their teams. One query: a row per team."""
    users = get_user_model().objects.filter(is_active=True)
    if until is not None:
        users = users.filter(date_joined__lte=until)
    people: dict[int, Reader] = {}
    slugs: dict[int, list[str]] = defaultdict(list)
    for pk, username, first, last, joined, admin, slug in users.order_by("pk").values_list(
        "id", "username", "first_name", "last_name", "date_joined", "is_superuser", "profile__teams__slug"
    ):
        if pk not in people:
            name = f"{first} {last}".strip() or username
            people[pk] = Reader(user_id=pk, username=username, name=name, joined=joined, teams=frozenset(),
                                administrator=admin)  # fmt: skip
        if slug:
            slugs[pk].append(slug)
    for pk, team_slugs in slugs.items():
        people[pk].teams = frozenset(team_slugs)
    return list(people.values())


def audience_user_ids(audience: list[str] | None) -> list[int]:
    """The active people asked to acknowledge a version for ``audience``, by id. One query."""
    return [r.user_id for r in readers() if is_asked(audience, r.teams, administrator=r.administrator)]


@dataclass(frozen=True)
class Obligation:
    """One person asked to acknowledge one entry, and where they stand with it."""

    entry: Entry
    user_id: int
    due: date
    done: bool

    def overdue(self, on: date) -> bool:
        return is_overdue(done=self.done, due=self.due, on=on)


def obligations(entries: list[Entry], people: list[Reader]) -> Iterator[Obligation]:
    """Every (entry, person) pair in which the entry asks the person, with its due date and whether it is done.
    Entries of a manual closed to readers ask nobody. ``entries`` have ``ack_version`` and ``manual`` loaded; one
    query for the acknowledgements that answer them."""
    if not entries:
        return
    done = _done_pairs(entries)
    for entry in entries:
        version = entry.ack_version
        if not is_open_asking(entry):
            continue
        asked_at = asked_since(version.approved_at, entry.manual.opened_at)
        for person in people:
            if not is_asked(version.audience, person.teams, administrator=person.administrator):
                continue
            yield Obligation(
                entry=entry, user_id=person.user_id, done=(person.user_id, entry.pk) in done,
                due=due_date(asked_at=asked_at, joined_at=person.joined, days=entry.manual.ack_days),
            )  # fmt: skip


def _done_pairs(entries: list[Entry]) -> set[tuple[int, int]]:
    """(user id, entry id) of every acknowledgement that answers what ``entries`` ask. One query."""
    # ``is_done`` in the database: only the acknowledgements that answer the request come back.
    acks = Acknowledgement.objects.filter(
        entry_id__in=[entry.pk for entry in entries], version__number__gte=F("entry__ack_version__number")
    )
    return set(acks.order_by().values_list("user_id", "entry_id"))
