"""Acknowledgement reports for managers: where everyone stands with a manual, by entry, by team and by person.

The rules are those of ``obligations`` (the entry's ``ack_version`` or any later version counts; the audience is
the teams named on that version, everyone when it names none, administrators only through their teams; due
``ack_days`` after its approval, or after the person joined if later), worked out for everyone at once. Only
active people are asked.

Four queries for the live manual, whatever the number of people and entries: the entries with the version each
asks for, the active people with their teams, the teams, and the version numbers of the acknowledgements of
those entries. Past reports read the manual through its snapshot and add one query for the version each entry
asked for then. The counts are made in Python in one pass over the acknowledgements: people in the same teams
are asked the same entries, so what each is asked is worked out once per set of teams.

A past report (``as_of`` a time, or an edition) takes the versions live then, the people who had joined by then
(as they are now: a leaver deactivated since is not counted), and each person's newest acknowledgement by then;
"overdue" is judged on that day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from people.models import Team
from policies import selectors
from policies.models import Edition, Entry, EntryVersion, Manual

from . import obligations
from .models import Acknowledgement

STATES = ("overdue", "pending", "done")
STATE_LABELS = {"overdue": "Overdue", "pending": "Pending", "done": "Done"}
CSV_COLUMNS = (
    "person", "username", "teams", "entry", "entry_slug", "version_required", "version_acknowledged",
    "acknowledged_at", "due", "overdue",
)  # fmt: skip
NO_TEAM = ""  # the slug of the row for people in no team


@dataclass(frozen=True)
class ReportFilters:
    """What the manager narrowed the report to. Empty values do not filter."""

    team: str = ""  # a team slug: only its members
    entry: str = ""  # an entry slug: only that entry
    state: str = ""  # "overdue", "pending" or "done": rows (and CSV lines) in that state
    person: str = ""  # someone's username, or part of a name or username

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> ReportFilters:
        state = params.get("state", "").strip()
        return cls(
            team=params.get("team", "").strip()[:60],
            entry=params.get("entry", "").strip()[:100],
            state=state if state in STATES else "",
            person=params.get("person", "").strip()[:100],
        )

    @property
    def any(self) -> bool:
        return bool(self.team or self.entry or self.state or self.person)


class _Counts:
    """Asked, done and overdue, and the state and share of done they make."""

    asked: int
    done: int
    overdue: int

    @property
    def pending(self) -> int:
        """Not done yet, overdue or not."""
        return self.asked - self.done

    @property
    def percent(self) -> int:
        # Rounded to the nearest (6 of 7 is 86%), but 100% only when everyone has: 199 of 200 is 99%.
        if not self.asked:
            return 100
        share = (200 * self.done + self.asked) // (2 * self.asked)  # half up, in whole numbers
        return min(share, 99) if self.done < self.asked else 100

    @property
    def state(self) -> str:
        if self.overdue:
            return "overdue"
        return "pending" if self.done < self.asked else "done"


@dataclass(eq=False)
class EntryRow(_Counts):
    entry_id: int
    slug: str
    title: str
    url: str
    required: int  # the version number each person must have acknowledged, or a later one
    asked_at: datetime  # when that version asked (``obligations.asked_since``: approved, or the manual opened)
    audience: frozenset[str]  # team slugs; empty for everyone
    asked_on: date = date.min  # ``asked_at`` as a local date
    asked: int = 0
    done: int = 0
    overdue: int = 0
    team_names: list[str] = field(default_factory=list)


@dataclass(eq=False)
class TeamRow(_Counts):
    slug: str
    name: str
    people: int = 0
    asked: int = 0
    done: int = 0
    overdue: int = 0  # acknowledgements overdue
    people_overdue: int = 0


@dataclass(frozen=True)
class Missing:
    entry: EntryRow
    overdue: bool


@dataclass(eq=False)
class PersonRow(_Counts):
    user_id: int
    username: str
    name: str
    joined: datetime
    team_slugs: frozenset[str]
    team_names: list[str]
    joined_on: date = date.min
    administrator: bool = False  # a superuser: asked only through their teams
    asked: int = 0
    done: int = 0
    overdue: int = 0
    # Set while the report is made: the entries asked of them (shared by everyone in the same teams) and those
    # they have done.
    applicable: list[EntryRow] = field(default_factory=list, repr=False)
    done_ids: frozenset[int] = frozenset()
    late: bool = False  # joined long enough ago for anything asked of them to be overdue
    missing_items: list[Missing] = field(default_factory=list, repr=False)  # filled for the people view's page

    def missing(self, cutoff: date) -> list[Missing]:
        """The entries they have not acknowledged, overdue ones first, then in the manual's order."""
        items = [
            Missing(entry=row, overdue=self.late and row.asked_on < cutoff)
            for row in self.applicable
            if row.entry_id not in self.done_ids
        ]
        items.sort(key=lambda m: not m.overdue)  # stable: the manual's order within each group
        return items


@dataclass
class Totals(_Counts):
    people: int = 0
    entries: int = 0
    asked: int = 0
    done: int = 0
    overdue: int = 0
    people_overdue: int = 0


@dataclass
class AckReport:
    """One manual's acknowledgements: every applicable (person, entry) pair, counted three ways."""

    manual: Manual
    filters: ReportFilters
    on: date  # the day "overdue" is judged: today, or the day of a past report
    as_of: datetime | None
    edition: Edition | None
    days: int
    entries: list[EntryRow]  # filtered, in the manual's order
    teams: list[TeamRow]  # filtered, by name, people in no team last
    people: list[PersonRow]  # filtered, most overdue first
    asked_people: list[PersonRow]  # everyone asked anything, before the state filter (the CSV applies it by line)
    totals: Totals
    team_choices: list[tuple[str, str]]  # (slug, name) of every team
    entry_choices: list[tuple[str, str]]  # (slug, title) of every entry in the report
    # (user id, entry id) -> (newest version number acknowledged, when): kept for the CSV only.
    acknowledged: dict[tuple[int, int], tuple[int, datetime | None]] = field(default_factory=dict, repr=False)

    @property
    def is_past(self) -> bool:
        return self.as_of is not None or self.edition is not None

    @property
    def cutoff(self) -> date:
        """A pair is overdue when both the version's approval and the person's joining fall before this day."""
        return obligations.overdue_cutoff(self.on, self.days)

    def missing(self, person: PersonRow) -> list[Missing]:
        return person.missing(self.cutoff)

    def csv_rows(self) -> Iterator[list[str]]:
        """One line per person and entry that applies to them, people by name, entries in the manual's order:
        the columns of ``CSV_COLUMNS``, with the filters applied (the state filter to each line)."""
        delta, on, state = timedelta(days=self.days), self.on, self.filters.state
        tz = timezone.get_current_timezone()
        days: dict[date, str] = {}  # a due day's ISO form, made once: a manual has few approval days
        for person in sorted(self.asked_people, key=_by_name):
            teams = "; ".join(person.team_names)
            for row in person.applicable:
                number, at = self.acknowledged.get((person.user_id, row.entry_id), (None, None))
                done = obligations.is_done(number, row.required)
                # obligations.due_date, on the local days worked out once per entry and per person.
                due = max(row.asked_on, person.joined_on) + delta
                overdue = obligations.is_overdue(done=done, due=due, on=on)
                if state and state != ("done" if done else "overdue" if overdue else "pending"):
                    continue
                if due not in days:
                    days[due] = due.isoformat()
                yield [
                    person.name, person.username, teams, row.title, row.slug, str(row.required),
                    "" if number is None else str(number),
                    at.astimezone(tz).isoformat(timespec="seconds") if at else "",
                    days[due], "yes" if overdue else "no",
                ]  # fmt: skip


def _by_name(person: PersonRow) -> tuple[str, str]:
    return person.name.lower(), person.username


def ack_report(
    manual: Manual,
    *,
    filters: ReportFilters | None = None,
    as_of: datetime | None = None,
    edition: Edition | None = None,
    with_times: bool = False,
) -> AckReport:
    """Where everyone stands with ``manual``'s live entries, or as they stood ``as_of`` a time or at the release
    of ``edition``. A fixed number of queries: four for the live manual, eight ``as_of``, six for an edition.

    ``with_times`` keeps each person's acknowledged version and its time for every entry, for the CSV.
    """
    filters = filters or ReportFilters()
    if edition is not None:
        until: datetime | None = edition.released_at
        entries = _past_entries(selectors.edition_snapshot(edition), manual, until)
    elif as_of is not None:
        until = as_of
        entries = _past_entries(selectors.manual_snapshot_as_of(manual, as_of, bodies=False), manual, until)
    else:
        until = None
        entries = _live_entries(manual)
    on = timezone.localdate(until) if until else timezone.localdate()

    tz = timezone.get_current_timezone()  # once: asking for it is slow, and thousands of dates need it
    teams = dict(Team.objects.order_by("name").values_list("slug", "name"))
    for row in entries:
        row.asked_on = row.asked_at.astimezone(tz).date()
        row.team_names = [teams.get(slug, slug) for slug in sorted(row.audience)]
    entry_choices = [(row.slug, row.title) for row in entries]
    if filters.entry:
        entries = [row for row in entries if row.slug == filters.entry]

    people = _people(until, teams, tz)
    if filters.team:
        people = [p for p in people if filters.team in p.team_slugs]
    if filters.person:
        people = _search(people, filters.person)

    report = AckReport(
        manual=manual, filters=filters, on=on, as_of=as_of if edition is None else None, edition=edition,
        days=manual.ack_days, entries=entries, teams=[], people=people, asked_people=[], totals=Totals(),
        team_choices=list(teams.items()), entry_choices=entry_choices,
    )  # fmt: skip
    # Narrowed to one entry or a few people, ask only for their acknowledgements (by id: an entry's slug may
    # have been another in the past).
    acknowledged = _acknowledged(
        manual, until, team=filters.team, entry_ids=[row.entry_id for row in entries] if filters.entry else None,
        user_ids=[p.user_id for p in people] if filters.person else None, with_times=with_times,
    )  # fmt: skip
    _count(report, acknowledged, with_times=with_times)
    _by_team(report, teams)
    _apply_state(report)
    return report


def _live_entries(manual: Manual) -> list[EntryRow]:
    """Live entries that ask for acknowledgement, with the version they ask for. One query; none while the manual
    is closed to readers, when nothing is asked."""
    if manual.opened_at is None:
        return []
    base = reverse("policies:manual_home", kwargs={"manual": manual.slug})
    rows = (
        Entry.objects.live()
        .filter(manual=manual, ack_version__isnull=False)
        .order_by("section__order", "section_id", "order", "id")
        .values_list("id", "slug", "live_version__title", "ack_version__number", "ack_version__approved_at",
                     "ack_version__audience")
    )  # fmt: skip
    return [
        EntryRow(entry_id=pk, slug=slug, title=title, url=f"{base}{slug}/", required=number,
                 asked_at=obligations.asked_since(at, manual.opened_at), audience=frozenset(audience or ()))
        for pk, slug, title, number, at, audience in rows
    ]  # fmt: skip


def _past_entries(snapshot: selectors.ManualSnapshot, manual: Manual, until: datetime) -> list[EntryRow]:
    """The entries of a past view with the version each asked for then: the newest material change up to the
    version shown (or the first version, which asks everyone whatever it is called). One query; none before the
    manual was opened to readers (``until`` the moment of the view)."""
    if manual.opened_at is None or manual.opened_at > until:
        return []
    pages = snapshot.pages
    newest_material = (
        EntryVersion.objects.filter(entry_id=OuterRef("entry_id"), number__lte=OuterRef("number"))
        .filter(Q(is_material=True) | Q(number=1))
        .order_by("-number")
        .values("id")[:1]
    )
    required_ids = EntryVersion.objects.filter(pk__in=[p.version.pk for p in pages]).values(
        required_id=Subquery(newest_material)
    )
    required = {
        entry_id: (number, at, audience)
        for entry_id, number, at, audience in EntryVersion.objects.filter(pk__in=required_ids).values_list(
            "entry_id", "number", "approved_at", "audience"
        )
    }
    rows = []
    for page in pages:
        if page.version.entry_id not in required:
            continue
        number, at, audience = required[page.version.entry_id]
        rows.append(
            EntryRow(entry_id=page.version.entry_id, slug=page.entry_slug, title=page.version.title, url=page.url,
                     required=number, asked_at=obligations.asked_since(at, manual.opened_at),
                     audience=frozenset(audience or ()))
        )  # fmt: skip
    return rows


def _people(until: datetime | None, teams: dict[str, str], tz) -> list[PersonRow]:
    """Active people (who had joined by ``until``), with their teams, by name (``obligations.readers``)."""
    people = [
        PersonRow(user_id=r.user_id, username=r.username, name=r.name, joined=r.joined, team_slugs=r.teams,
                  team_names=sorted(teams.get(s, s) for s in r.teams), joined_on=r.joined.astimezone(tz).date(),
                  administrator=r.administrator)
        for r in obligations.readers(until=until)
    ]  # fmt: skip
    return sorted(people, key=_by_name)


def _search(people: list[PersonRow], text: str) -> list[PersonRow]:
    """Someone's exact username finds only them; otherwise anyone whose name or username holds the text."""
    needle = text.lower()
    exact = [p for p in people if p.username.lower() == needle]
    return exact or [p for p in people if needle in p.name.lower() or needle in p.username.lower()]


def _acknowledged(manual: Manual, until: datetime | None, *, team: str, entry_ids, user_ids, with_times: bool):
    """(user id, entry id, version number[, when]) of every acknowledgement of the manual's entries made by
    ``until``. One query.

    Not grouped in the database: nearly every person acknowledges each version asked of them once, so grouping
    by person and entry returns almost as many rows and takes the database twice as long as sending them. The
    newest per person and entry is found in the pass over them.
    """
    acks = Acknowledgement.objects.filter(entry__manual=manual)
    if until is not None:
        acks = acks.filter(acknowledged_at__lte=until)
    if entry_ids is not None:
        acks = acks.filter(entry_id__in=entry_ids)
    if user_ids is not None:
        acks = acks.filter(user_id__in=user_ids)
    if team:
        acks = acks.filter(user__profile__teams__slug=team)
    columns = ("user_id", "entry_id", "version__number", *(("acknowledged_at",) if with_times else ()))
    return acks.order_by().values_list(*columns)


def _count(report: AckReport, acknowledged, *, with_times: bool) -> None:
    """Asked, done and overdue for every entry and person, from one pass over the acknowledgements.

    People in the same teams are asked the same entries (``obligations.is_asked``), so that is worked out once per
    set of teams, and what
    each person has done is a set intersection. A pair is overdue when it is not done and its due day (the
    later of the version's approval and the person's joining, plus ``ack_days``) is before ``report.on``: when
    both fall before ``report.cutoff``. So overdue counts are "asked of people who joined before the cutoff, for
    versions approved before it, less those done", with no pass over every pair.
    """
    cutoff = report.cutoff
    required = {row.entry_id: row.required for row in report.entries}
    done_by_user: dict[int, list[int]] = defaultdict(list)  # the entries each person has done (repeats too)
    if with_times:
        newest = report.acknowledged
        for user_id, entry_id, number, at in acknowledged:
            need = required.get(entry_id)
            if need is not None:
                kept = newest.get((user_id, entry_id))
                if kept is None or number > kept[0]:
                    newest[user_id, entry_id] = (number, at)
                if obligations.is_done(number, need):
                    done_by_user[user_id].append(entry_id)
    else:
        for user_id, entry_id, number in acknowledged:
            need = required.get(entry_id)
            if need is not None and obligations.is_done(number, need):
                done_by_user[user_id].append(entry_id)

    by_teams: dict[tuple[frozenset[str], bool], list[PersonRow]] = defaultdict(list)
    for person in report.people:
        person.late = person.joined_on < cutoff
        by_teams[person.team_slugs, person.administrator].append(person)
    old_ids = frozenset(row.entry_id for row in report.entries if row.asked_on < cutoff)
    done, late_done, late_asked = Counter(), Counter(), Counter()
    for (team_slugs, administrator), members in by_teams.items():
        applicable = [
            row for row in report.entries if obligations.is_asked(row.audience, team_slugs, administrator=administrator)
        ]
        ids = frozenset(row.entry_id for row in applicable)
        old_here = ids & old_ids
        late = sum(1 for p in members if p.late)
        for row in applicable:
            row.asked += len(members)
            late_asked[row.entry_id] += late
        for person in members:
            person.applicable, person.asked = applicable, len(applicable)
            person.done_ids = ids.intersection(done_by_user.get(person.user_id, ()))
            person.done = len(person.done_ids)
            done.update(person.done_ids)
            if person.late:
                late_done.update(person.done_ids)
                person.overdue = len(old_here - person.done_ids)

    for row in report.entries:
        row.done = done[row.entry_id]
        row.overdue = late_asked[row.entry_id] - late_done[row.entry_id] if row.entry_id in old_ids else 0
    # Someone asked nothing (the entries filtered to one for another team) has nothing to report.
    report.people = report.asked_people = [p for p in report.people if p.asked]
    totals = report.totals
    for person in report.people:
        totals.asked += person.asked
        totals.done += person.done
        totals.overdue += person.overdue
        totals.people_overdue += person.overdue > 0
    totals.people = len(report.people)
    totals.entries = len(report.entries)


def _by_team(report: AckReport, teams: dict[str, str]) -> None:
    """Sum the people's counts by team (someone in two teams counts in both), and a row for people in none."""
    rows = {slug: TeamRow(slug=slug, name=name) for slug, name in teams.items()}
    if report.filters.team:
        rows = {slug: row for slug, row in rows.items() if slug == report.filters.team}
    none = TeamRow(slug=NO_TEAM, name="No team")
    for person in report.people:
        for row in [rows[s] for s in person.team_slugs if s in rows] or ([] if person.team_slugs else [none]):
            row.people += 1
            row.asked += person.asked
            row.done += person.done
            row.overdue += person.overdue
            row.people_overdue += person.overdue > 0
    report.teams = list(rows.values()) + ([none] if none.people else [])


def _apply_state(report: AckReport) -> None:
    """Keep the rows in the state asked for; people most overdue first, then most missing, then by name."""
    state = report.filters.state
    if state:
        report.entries = [row for row in report.entries if row.state == state]
        report.teams = [row for row in report.teams if row.state == state]
        report.people = [p for p in report.people if p.state == state]
    report.people.sort(key=lambda p: (-p.overdue, -p.pending, p.name.lower(), p.username))


__all__ = [
    "CSV_COLUMNS", "STATES", "STATE_LABELS", "AckReport", "EntryRow", "Missing", "PersonRow", "ReportFilters",
    "TeamRow", "Totals", "ack_report",
]  # fmt: skip
