"""Reading a CSV of people and working out what importing it would do.

The file has a header line naming the columns ``username,email,name,role,teams`` (in any order) and one person
a line. ``role`` is agent, editor or manager; ``teams`` lists teams separated by ``;``, each named by its slug
or by a name whose slug is worked out from it ("Phone support" is ``phone-support``); teams that do not exist
are made. A person already there (by username) is changed to what their line says: name, role and teams. Their
email address must match: a line that gives another address for a username is refused, never taken as a
change of address.

Everything is checked before anything is written: ``people_import_check`` reports every bad line with its
number, and the import writes nothing unless the whole file is good.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import slugify

from .models import Team
from .names import full_name
from .permissions import can_manage_person
from .roles import ADMINISTRATOR, Role, role_label, role_of
from .selectors import people_managers

COLUMNS = ("username", "email", "name", "role", "teams")
MAX_IMPORT_BYTES = 1_000_000
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    line: int | None  # None for the file as a whole
    reason: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}" if self.line else self.reason


class PeopleImportError(Exception):
    """The file cannot be imported; ``problems`` says why, line by line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class PersonRow:
    """One line of the file and what importing it would do to the person it names."""

    line: int
    username: str
    email: str
    name: str
    role: str
    team_slugs: list[str]
    team_names: list[str]
    person: object | None = None  # the existing user, if any
    changes: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        if self.person is None:
            return "create"
        return "update" if self.changes else "unchanged"

    @property
    def role_label(self) -> str:
        return role_label(self.role)


@dataclass
class ImportPlan:
    rows: list[PersonRow]
    new_teams: dict[str, str]  # slug -> name, in the order they first appear

    @property
    def created(self) -> list[PersonRow]:
        return [row for row in self.rows if row.action == "create"]

    @property
    def updated(self) -> list[PersonRow]:
        return [row for row in self.rows if row.action == "update"]

    @property
    def unchanged(self) -> list[PersonRow]:
        return [row for row in self.rows if row.action == "unchanged"]

    @property
    def team_slugs(self) -> set[str]:
        return {slug for row in self.rows for slug in row.team_slugs}

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_teams or self.created or self.updated)

    def lines(self) -> list[str]:
        """The plan in words, for the command line."""
        out = [f"New team: {name} ({slug})" for slug, name in self.new_teams.items()]
        for row in self.created:
            out.append(f"Line {row.line}: add {row.username} <{row.email}> as {row.role_label}")
        for row in self.updated:
            out.append(f"Line {row.line}: change {row.username}: {'; '.join(row.changes)}")
        out.append(
            f"{len(self.created)} to add, {len(self.updated)} to change, {len(self.unchanged)} unchanged, "
            f"{len(self.new_teams)} new team{'' if len(self.new_teams) == 1 else 's'}."
        )
        return out


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file, or a ``PeopleImportError`` saying why it is not a CSV we can read."""
    if len(data) > MAX_IMPORT_BYTES:
        raise PeopleImportError([Problem(None, "The file is larger than 1 MB. Split it into smaller files.")])
    if b"\x00" in data:
        raise PeopleImportError([Problem(None, "This is not a CSV file. Save the list as CSV (UTF-8) and try again.")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PeopleImportError(
            [Problem(None, "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")]
        ) from None


def _read_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, cells by column) for each non-blank line after the header."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise PeopleImportError([Problem(None, "The file is empty.")])
        columns = [cell.strip().lower() for cell in header]
        missing = [c for c in COLUMNS if c not in columns]
        unknown = [c for c in columns if c not in COLUMNS]
        if missing or unknown or len(set(columns)) != len(columns):
            raise PeopleImportError(
                [Problem(1, f"the first line must name the columns {','.join(COLUMNS)} (found: {','.join(columns)})")]
            )
        rows, problems = [], []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(columns):
                problems.append(Problem(reader.line_num, f"{len(cells)} values where the header has {len(columns)}"))
                continue
            rows.append((reader.line_num, {c: cell.strip() for c, cell in zip(columns, cells, strict=True)}))
    except csv.Error as exc:
        raise PeopleImportError([Problem(reader.line_num, f"this is not valid CSV ({exc})")]) from None
    if problems:
        raise PeopleImportError(problems)
    return rows


def _check_row(line: int, cells: dict[str, str], problems: list[Problem]) -> PersonRow | None:
    """The row, or None after adding what is wrong with it to ``problems``."""
    found = []
    username, email, name, role = cells["username"], cells["email"], " ".join(cells["name"].split()), cells["role"]
    if not username:
        found.append("no username")
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            found.append(f"the username {username!r} may hold only letters, digits and @ . + - _")
        if len(username) > 150:
            found.append("the username is longer than 150 characters")
    if not email:
        found.append("no email address")
    else:
        try:
            validate_email(email)
        except ValidationError:
            found.append(f"{email!r} is not a valid email address")
    first, _, last = name.partition(" ")
    if len(first) > 150 or len(last) > 150:
        found.append("the name is too long")
    role = role.lower()
    if role not in Role.values:
        found.append(f"unknown role {cells['role']!r} (use agent, editor or manager)")
    slugs, names = [], []
    for value in cells["teams"].split(";"):
        value = " ".join(value.split())
        if not value:
            continue
        slug = slugify(value)
        if not slug:
            found.append(f"the team {value!r} has no letters or digits to name it by")
        elif len(slug) > 60 or len(value) > 100:
            found.append(f"the team name {value!r} is too long")
        elif slug not in slugs:
            slugs.append(slug)
            names.append(value)
    if found:
        problems.extend(Problem(line, reason) for reason in found)
        return None
    return PersonRow(line, username, email, name, role, slugs, names)


def _changes(row: PersonRow, person) -> list[str]:
    """What importing ``row`` would change on ``person``, in words."""
    changes = []
    if row.name != full_name(person):
        changes.append(f"name {full_name(person) or '(none)'} → {row.name or '(none)'}")
    current = role_of(person)
    if current != ADMINISTRATOR and current != row.role:
        changes.append(f"role {role_label(current)} → {row.role_label}")
    teams = person.profile.teams.all()
    if sorted(team.slug for team in teams) != sorted(row.team_slugs):
        old, new = sorted(team.name for team in teams), sorted(row.team_names)
        changes.append(f"teams {', '.join(old) or 'none'} → {', '.join(new) or 'none'}")
    return changes


def people_import_check(*, text: str, user) -> ImportPlan:
    """Check every line of ``text`` against the file and the database; the plan, or every problem found."""
    problems: list[Problem] = []
    rows: list[PersonRow] = []
    seen_usernames: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for line, cells in _read_rows(text):
        # Duplicates are told apart before anything else, so that a line repeating a bad one is reported too.
        username, email = cells["username"].lower(), cells["email"].lower()
        duplicate = False
        if username and username in seen_usernames:
            problems.append(
                Problem(line, f"the username {cells['username']} is already on line {seen_usernames[username]}")
            )
            duplicate = True
        if email and email in seen_emails:
            problems.append(
                Problem(line, f"the email address {cells['email']} is already on line {seen_emails[email]}")
            )
            duplicate = True
        seen_usernames.setdefault(username, line)
        seen_emails.setdefault(email, line)
        row = _check_row(line, cells, problems)
        if row is not None and not duplicate:
            rows.append(row)
    if not rows and not problems:
        raise PeopleImportError([Problem(None, "The file has a header line but nobody in it.")])

    existing, by_email = _existing_people(rows)
    teams = {team.slug: team for team in Team.objects.filter(slug__in={s for r in rows for s in r.team_slugs})}
    new_teams: dict[str, str] = {}  # a team the file names twice is called as it is the first time
    for row in rows:
        for slug, name in zip(row.team_slugs, row.team_names, strict=True):
            if slug not in teams and slug not in new_teams:
                new_teams[slug] = name
    team_names = {**new_teams, **{slug: team.name for slug, team in teams.items()}}
    for row in rows:
        row.team_names = [team_names[slug] for slug in row.team_slugs]
    demoted = []
    for row in rows:
        person = existing.get(row.username.lower())
        owner = by_email.get(row.email.lower())
        if person is None:
            if owner is not None:
                problems.append(Problem(row.line, f"the email address {row.email} already belongs to {owner.username}"))
            continue
        if person.username != row.username:
            problems.append(
                Problem(row.line, f"the username {row.username} differs only in capitals from {person.username}")
            )
            continue
        if person.email.lower() != row.email.lower():
            problems.append(
                Problem(
                    row.line,
                    f"the username {row.username} is taken by someone with another email address "
                    f"({person.email or 'none'})",
                )
            )
            continue
        row.person = person
        row.changes = _changes(row, person)
        if row.changes and not can_manage_person(user, person):
            problems.append(
                Problem(row.line, f"{row.username} is an administrator: only an administrator can change them")
            )
        if person.is_active and role_of(person) == Role.MANAGER and row.role != Role.MANAGER:
            demoted.append(row)
    if demoted:
        left = people_managers().exclude(pk__in=[row.person.pk for row in demoted])
        if not left.exists():
            problems.extend(
                Problem(row.line, f"{row.username} is among the last managers: this would leave no active manager")
                for row in demoted
            )
    if problems:
        raise PeopleImportError(sorted(problems, key=lambda p: p.line or 0)[:MAX_PROBLEMS])
    return ImportPlan(rows=rows, new_teams=new_teams)


def _existing_people(rows: list[PersonRow]) -> tuple[dict, dict]:
    """The users the rows name, by lower-case username and by lower-case email address.

    Usernames that differ only in capitals are one person to whoever types them at the sign-in page, so names
    and addresses are compared in lower case (in Python, which lowers every alphabet, unlike SQLite).
    """
    User = get_user_model()
    usernames = {row.username.lower() for row in rows}
    emails = {row.email.lower() for row in rows}
    wanted = [
        pk
        for pk, username, email in User.objects.values_list("pk", "username", "email")
        if username.lower() in usernames or (email and email.lower() in emails)
    ]
    people = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        people += (
            User.objects.filter(pk__in=chunk).select_related("profile").prefetch_related("groups", "profile__teams")
        )
    exact = {row.username for row in rows}
    existing = {}
    for person in sorted(people, key=lambda p: p.username in exact):  # an exact match wins over a near one
        if person.username.lower() in usernames:
            existing[person.username.lower()] = person
    by_email = {person.email.lower(): person for person in people if person.email}
    return existing, by_email
