"""The folder format itself: what a manual folder holds, and reading one into a checked ``ManualPlan``.

``read_manual_folder`` reads and checks every file without touching the database and raises
``ManualImportError`` listing every problem, each naming its file (and line). The text normalisation here is
shared with the export, so that export, import and export again give the same bytes.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from people.models import Team

from ..models import EntryKind, Section
from ..models.entry import CHANNEL_ORDER
from ..models.parts import SCRIPT_KEYS, TARGET_KEYS, validate_scripts, validate_targets
from ..models.value import MAX_VALUE_LENGTH, NAME_RE
from ..services.entries import normalise_entry_data
from ..text import normalise_text

MANUAL_FILE = "manual.yml"
SKIPPED_FILES = {"README.md"}

MANUAL_KEYS = ("title", "slug", "organisation", "mission", "vision", "channels", "sections", "teams", "values")
SECTION_KEYS = ("slug", "title", "intro")
TEAM_KEYS = ("slug", "name")
VALUE_KEYS = ("name", "label", "value")
# The order in which the export writes an entry's front matter.
ENTRY_KEYS = (
    "title", "slug", "kind", "section", "order", "channels", "audience", "owner", "review_every_months", "summary",
    "effective_date", "targets", "scripts",
)  # fmt: skip

KINDS = [k.value for k in EntryKind]
MAX_REVIEW_MONTHS = 120
MAX_ORDER = 2_147_483_647
MAX_TEAM_SLUG = Team._meta.get_field("slug").max_length
MAX_TEAM_NAME = Team._meta.get_field("name").max_length


# Problems -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file of the folder."""

    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ManualImportError(Exception):
    """The folder cannot be imported. ``problems`` lists every problem found, each naming its file."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = list(problems)

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        return f"{len(self.problems)} problems:\n" + "\n".join(f"  {p}" for p in self.problems)


class ManualExportError(Exception):
    """The export cannot be written where it was asked to go."""


# Text normalisation, shared by import and export so that a round trip gives the same bytes --------------------


def clean_text(value: str) -> str:
    """A front matter or manual.yml string as stored: LF line ends, no whitespace at line ends or around it.

    YAML already turns the line breaks of a file saved with CRLF into LF; this also catches an escaped ``\\r``
    and the spaces a block (``|``) keeps at line ends.
    """
    return normalise_text(value).strip()


def clean_body(text: str) -> str:
    """An entry body as stored: LF line ends, no whitespace at line ends or after it, no blank lines before it.

    A file saved on Windows (CRLF) or with an editor that leaves spaces at line ends thus imports to the same
    body as the plain file, and re-importing it writes no new version.
    """
    return normalise_text(text).lstrip("\n")


# Reading the folder -------------------------------------------------------------------------------------------


@dataclass
class SectionPlan:
    slug: str
    title: str
    intro: str
    order: int


@dataclass
class TeamPlan:
    slug: str
    name: str


@dataclass
class ValuePlan:
    """A shared value of manual.yml: entries write ``{{ name }}`` to show ``value``."""

    name: str
    label: str
    value: str


@dataclass
class EntryPlan:
    file: str
    title: str
    slug: str
    kind: str
    section: str
    order: int
    channels: list[str]
    owner: str
    review_every_months: int
    summary: str
    effective_date: date | None
    body: str
    audience: list[str] = field(default_factory=list)  # team slugs; empty means everyone
    audience_line: int | None = field(default=None, compare=False, repr=False)
    scripts: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)

    def data(self, sections: dict[str, Section], owners: dict[str, tuple] | None = None) -> dict:
        """The entry's fields as the services take them.

        ``owners`` maps ``owner`` texts to the (person, team) they name; an owner it does not map stays text.
        """
        owner_user, owner_team = (owners or {}).get(self.owner, (None, None))
        named = owner_user is not None or owner_team is not None
        return {
            "kind": self.kind,
            "title": self.title,
            "slug": self.slug,
            "summary": self.summary,
            "body": self.body,
            "section": sections[self.section],
            "order": self.order,
            "owner": "" if named else self.owner,
            "owner_user": owner_user,
            "owner_team": owner_team,
            "channels": list(self.channels),
            "audience": sorted(self.audience),
            "review_every_months": self.review_every_months,
            "effective_date": self.effective_date,
            "scripts": [dict(s) for s in self.scripts],
            "targets": [dict(t) for t in self.targets],
        }


@dataclass
class ManualPlan:
    """Everything a folder says, checked and normalised, ready to be written."""

    root: Path
    title: str
    slug: str
    organisation: str
    mission: str
    vision: str
    sections: list[SectionPlan]
    entries: list[EntryPlan]
    teams: list[TeamPlan] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    values: list[ValuePlan] = field(default_factory=list)

    def manual_data(self) -> dict:
        return {
            "title": self.title,
            "slug": self.slug,
            "organisation": self.organisation,
            "mission": self.mission,
            "vision": self.vision,
            "channels": self.channels,
        }

    def entry(self, slug: str) -> EntryPlan:
        return next(e for e in self.entries if e.slug == slug)


class _Fields:
    """Typed access to one YAML mapping, recording a problem (with its line) for every bad value."""

    def __init__(self, data: dict, lines: dict[str, int], *, file: str, line: int | None, problems: list[Problem]):
        self.data = data
        self.lines = lines
        self.file = file
        self.line = line
        self.problems = problems

    def problem(self, key: str | None, message: str) -> None:
        line = self.lines.get(key, self.line) if key else self.line
        self.problems.append(Problem(self.file, message, line))

    def unknown_keys(self, known: tuple[str, ...], what: str) -> None:
        for key in self.data:
            if key not in known:
                self.problem(str(key), f"unknown field '{key}' in {what} (known fields: {', '.join(known)})")

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problem(None, f"missing required field '{key}'")
            return ""
        if not isinstance(value, str):
            self.problem(key, f"'{key}' must be text, not {_yaml_type(value)} (put it in quotes)")
            return ""
        value = clean_text(value)
        if required and not value:
            self.problem(key, f"'{key}' must not be empty")
        if max_length and len(value) > max_length:
            self.problem(key, f"'{key}' is {len(value)} characters long; the limit is {max_length}")
        return value

    def slug(self, key: str, *, default: str | None = None, max_length: int = 100) -> str:
        value = self.data.get(key)
        given = value is not None
        if not given:
            if default is None:
                self.problem(None, f"missing required field '{key}'")
                return ""
            value = default
        if not isinstance(value, str):
            self.problem(key, f"'{key}' must be text, not {_yaml_type(value)}")
            return ""
        try:
            validate_slug(value)
        except ValidationError:
            rule = "use only letters, numbers, hyphens and underscores"
            if given:
                self.problem(key, f"'{key}' is '{value}', which is not a valid slug: {rule}")
            else:
                self.problem(
                    None, f"the file name gives the slug '{value}', which is not valid: {rule} (or set 'slug')"
                )
            return ""
        if len(value) > max_length:
            self.problem(key, f"'{key}' is longer than {max_length} characters")
        return value

    def integer(self, key: str, *, default: int, minimum: int, maximum: int) -> int:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"'{key}' must be a whole number, not {_yaml_type(value)}")
            return default
        if not minimum <= value <= maximum:
            self.problem(key, f"'{key}' must be between {minimum} and {maximum}, not {value}")
            return default
        return value

    def choice(self, key: str, choices: list[str], *, default: str | None = None) -> str:
        value = self.data.get(key)
        if value is None:
            if default is None:
                self.problem(None, f"missing required field '{key}'")
                return ""
            return default
        if value not in choices:
            self.problem(key, f"unknown {key} {_show(value)} (choose from {', '.join(choices)})")
            return default or ""
        return value

    def channels(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(key, f"'{key}' must be a list, like [phone, email]")
            return []
        unknown = [v for v in value if v not in CHANNEL_ORDER]
        if unknown:
            self.problem(
                key,
                f"unknown channel {', '.join(_show(u) for u in unknown[:5])} (choose from {', '.join(CHANNEL_ORDER)})",
            )
            return []
        if len(set(value)) != len(value):
            self.problem(key, f"a channel is listed twice in '{key}'")
            return []
        return value

    def team_slugs(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(key, f"'{key}' must be a list of team slugs, like [phone-support, chat-support]")
            return []
        bad = [v for v in value if not isinstance(v, str) or not _is_slug(v)]
        if bad:
            listed = ", ".join(_show(b) for b in bad[:5])
            self.problem(key, f"'{key}' must list team slugs (letters, numbers, hyphens), not {listed}")
            return []
        if len(set(value)) != len(value):
            self.problem(key, f"a team is listed twice in '{key}'")
            return []
        return value

    def parts(self, key: str, keys: tuple[str, ...], validate, *, optional: tuple[str, ...]) -> list[dict]:
        """A list of mappings with the fields ``keys`` (those in ``optional`` may be left out), checked as the
        app checks them: a protocol's scripts, a standard's targets."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(key, f"'{key}' must be a list of mappings, each with {', '.join(keys)}")
            return []
        items = []
        for number, item in enumerate(value, start=1):
            unknown = [k for k in item if k not in keys]
            if unknown:
                self.problem(key, f"{key} {number}: unknown field '{unknown[0]}' (known fields: {', '.join(keys)})")
                return []
            filled = {k: item.get(k, "" if k in optional else None) for k in keys}
            items.append({k: v if v is not None else "" for k, v in filled.items()} if optional else filled)
        items = normalise_entry_data({key: items})[key]
        try:
            validate(items)
        except ValidationError as error:
            self.problem(key, " ".join(error.messages))
            return []
        return items

    def date(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        try:
            if not isinstance(value, str):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.problem(key, f"'{key}' must be a date written YYYY-MM-DD, not {_show(value)}")
            return None


def _is_slug(value: str) -> bool:
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return True


_repr = reprlib.Repr()
_repr.maxlevel, _repr.maxlist, _repr.maxdict, _repr.maxstring, _repr.maxother = 2, 4, 4, 60, 60


def _show(value) -> str:
    """A value for an error message, quoted and cut short (YAML aliases can make huge values cheaply)."""
    return _repr.repr(value)


def _yaml_type(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _load_yaml(text: str, *, file: str, first_line: int) -> tuple[object, yaml.Node | None]:
    """Parse one YAML document; return the data and its node tree (for line numbers).

    Raises ``ManualImportError`` for malformed YAML and for a key given twice (which PyYAML would let pass,
    keeping the last value).
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_duplicate_keys(node, file=file, first_line=first_line)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark is not None else None
        detail = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        message = f"malformed YAML: {context + ', ' if context else ''}{detail}"
        raise ManualImportError([Problem(file, message, line)]) from None
    finally:
        loader.dispose()
    return data, node


def _check_duplicate_keys(node: yaml.Node, *, file: str, first_line: int, visited: set[int] | None = None) -> None:
    visited = set() if visited is None else visited
    if id(node) in visited:  # an alias: already checked, and walking it again could take exponential time
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    message = f"the field '{key.value}' is given twice"
                    raise ManualImportError([Problem(file, message, first_line + key.start_mark.line)])
                seen.add(key.value)
            _check_duplicate_keys(value, file=file, first_line=first_line, visited=visited)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, file=file, first_line=first_line, visited=visited)


def _key_lines(node: yaml.Node | None, first_line: int) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: first_line + key.start_mark.line for key, _value in node.value if hasattr(key, "value")}


def _read_text(path: Path, name: str) -> str:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read); save the file as UTF-8"
        raise ManualImportError([Problem(name, message, line)]) from None
    return text.removeprefix("\ufeff")


_LINES = re.compile(r"(?<=\n)")


def split_front_matter(text: str, *, file: str) -> tuple[str, str]:
    """Split a Markdown file into its YAML front matter and its body.

    The file must start with a line ``---``; the front matter runs to the next line that is exactly ``---``.
    """
    lines = _LINES.split(text)  # not str.splitlines(), which also breaks at form feeds and U+2028
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise ManualImportError(
            [Problem(file, "must start with a line '---' opening the front matter (title, section, ...)", 1)]
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    raise ManualImportError([Problem(file, "the front matter is not closed: no line '---' after the first one", 1)])


def importable_files(root: Path) -> list[Path]:
    """Every entry file of a folder: ``*.md`` here or in subfolders, except README.md and hidden folders."""
    files = []
    for path in root.rglob("*.md"):
        relative = path.relative_to(root)
        if path.name in SKIPPED_FILES or any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def read_manual_folder(path: str | Path) -> ManualPlan:
    """Read and check a manual folder without touching the database.

    Raises ``ManualImportError`` listing every problem found (malformed YAML, unknown kind, section or
    channel, duplicate slugs, missing fields, text that is not UTF-8, ...), each naming its file.
    """
    root = Path(path)
    if not root.is_dir():
        raise ManualImportError([Problem(str(root), "no such folder")])
    manual_path = root / MANUAL_FILE
    if not manual_path.is_file():
        message = f"not found in {root}: a manual folder needs a manual.yml with its title and sections"
        raise ManualImportError([Problem(MANUAL_FILE, message)])

    problems: list[Problem] = []
    plan = None
    try:
        plan = _read_manual_file(manual_path, root, problems)
    except ManualImportError as exc:
        problems.extend(exc.problems)

    known_sections = {s.slug for s in plan.sections} if plan is not None else None
    names = {file_path: file_path.relative_to(root).as_posix() for file_path in importable_files(root)}
    entries: list[EntryPlan] = []
    for file_path, name in names.items():
        try:
            entry = _read_entry_file(file_path, name, problems, known_sections)
        except ManualImportError as exc:
            problems.extend(exc.problems)
            continue
        if entry is not None:
            entries.append(entry)

    by_slug: dict[str, EntryPlan] = {}
    for entry in entries:
        if f"{entry.slug}.md" in SKIPPED_FILES:
            message = f"the slug '{entry.slug}' is reserved: {entry.slug}.md is not an entry"
            problems.append(Problem(entry.file, message))
        elif entry.slug in by_slug:
            first = by_slug[entry.slug]
            problems.append(Problem(entry.file, f"the slug '{entry.slug}' is also used by {first.file}"))
        else:
            by_slug[entry.slug] = entry
    # Report in the order of the files, and of the lines within each file.
    position = {MANUAL_FILE: -1} | {name: i for i, name in enumerate(names.values())}
    problems.sort(key=lambda p: (position.get(p.file, len(position)), p.line or 0))
    if problems:
        raise ManualImportError(problems)
    assert plan is not None
    plan.entries = entries
    return plan


def _read_manual_file(path: Path, root: Path, problems: list[Problem]) -> ManualPlan | None:
    text = _read_text(path, MANUAL_FILE)
    data, node = _load_yaml(text, file=MANUAL_FILE, first_line=1)
    if not isinstance(data, dict):
        problems.append(Problem(MANUAL_FILE, "must be a YAML mapping with title, slug and sections", 1))
        return None
    fields = _Fields(data, _key_lines(node, 1), file=MANUAL_FILE, line=1, problems=problems)
    fields.unknown_keys(MANUAL_KEYS, MANUAL_FILE)
    plan = ManualPlan(
        root=root,
        title=fields.text("title", required=True, max_length=200),
        slug=fields.slug("slug"),
        organisation=fields.text("organisation", max_length=200),
        mission=fields.text("mission"),
        vision=fields.text("vision"),
        sections=[],
        entries=[],
        channels=fields.channels("channels"),
    )
    _read_teams(data, node, fields, plan, problems)
    _read_values(data, node, fields, plan, problems)
    raw_sections = data.get("sections") or []
    if not isinstance(raw_sections, list):
        fields.problem("sections", "'sections' must be a list of sections, each with a slug and a title")
        return plan
    item_nodes = next(value.value for key, value in node.value if key.value == "sections") if raw_sections else []
    seen: set[str] = set()
    for position, (item, item_node) in enumerate(zip(raw_sections, item_nodes, strict=True), start=1):
        line = 1 + item_node.start_mark.line
        if not isinstance(item, dict):
            problems.append(Problem(MANUAL_FILE, "each section must be a mapping with slug, title and intro", line))
            continue
        section = _Fields(item, _key_lines(item_node, 1), file=MANUAL_FILE, line=line, problems=problems)
        section.unknown_keys(SECTION_KEYS, "a section")
        slug = section.slug("slug")
        if slug in seen:
            section.problem("slug", f"the section slug '{slug}' is used twice")
        seen.add(slug)
        plan.sections.append(
            SectionPlan(
                slug=slug,
                title=section.text("title", required=True, max_length=200),
                intro=section.text("intro"),
                order=position,
            )
        )
    return plan


def _read_teams(data: dict, node: yaml.Node, fields: _Fields, plan: ManualPlan, problems: list[Problem]) -> None:
    """The teams manual.yml names, for entries' audiences: each a slug (its identity) and a name."""
    raw_teams = data.get("teams") or []
    if not isinstance(raw_teams, list):
        fields.problem("teams", "'teams' must be a list of teams, each with a slug and a name")
        return
    item_nodes = next(value.value for key, value in node.value if key.value == "teams") if raw_teams else []
    seen: set[str] = set()
    for item, item_node in zip(raw_teams, item_nodes, strict=True):
        line = 1 + item_node.start_mark.line
        if not isinstance(item, dict):
            problems.append(Problem(MANUAL_FILE, "each team must be a mapping with slug and name", line))
            continue
        team = _Fields(item, _key_lines(item_node, 1), file=MANUAL_FILE, line=line, problems=problems)
        team.unknown_keys(TEAM_KEYS, "a team")
        slug = team.slug("slug", max_length=MAX_TEAM_SLUG)
        if slug != slug.lower():
            team.problem("slug", f"the team slug '{slug}' must be in lower case")
        if slug and slug in seen:
            team.problem("slug", f"the team slug '{slug}' is used twice")
        seen.add(slug)
        plan.teams.append(TeamPlan(slug=slug, name=team.text("name", required=True, max_length=MAX_TEAM_NAME)))


def _read_values(data: dict, node: yaml.Node, fields: _Fields, plan: ManualPlan, problems: list[Problem]) -> None:
    """The manual's shared values: each a name (what entries write between double braces), a label and the
    text readers see."""
    raw = data.get("values") or []
    if not isinstance(raw, list):
        fields.problem("values", "'values' must be a list of shared values, each with a name, a label and a value")
        return
    item_nodes = next(value.value for key, value in node.value if key.value == "values") if raw else []
    seen: set[str] = set()
    for item, item_node in zip(raw, item_nodes, strict=True):
        line = 1 + item_node.start_mark.line
        if not isinstance(item, dict):
            problems.append(
                Problem(MANUAL_FILE, "each shared value must be a mapping with name, label and value", line)
            )
            continue
        value = _Fields(item, _key_lines(item_node, 1), file=MANUAL_FILE, line=line, problems=problems)
        value.unknown_keys(VALUE_KEYS, "a shared value")
        name = value.text("name", required=True)
        if name and not NAME_RE.match(name):
            value.problem(
                "name",
                f"the value name '{name}' must be lower-case letters, digits and underscores, starting with a letter",
            )
        if name and name in seen:
            value.problem("name", f"the value name '{name}' is used twice")
        seen.add(name)
        plan.values.append(
            ValuePlan(
                name=name,
                label=value.text("label", required=True, max_length=100),
                value=" ".join(value.text("value", required=True, max_length=MAX_VALUE_LENGTH).split()),
            )
        )


def _read_entry_file(
    path: Path, name: str, problems: list[Problem], known_sections: set[str] | None
) -> EntryPlan | None:
    text = _read_text(path, name)
    front, body = split_front_matter(text, file=name)
    data, node = _load_yaml(front, file=name, first_line=2)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(name, "the front matter must be YAML fields (title: ..., section: ...)", 2))
        return None
    count = len(problems)
    fields = _Fields(data, _key_lines(node, 2), file=name, line=1, problems=problems)
    fields.unknown_keys(ENTRY_KEYS, "the front matter")
    entry = EntryPlan(
        file=name,
        title=fields.text("title", required=True, max_length=200),
        slug=fields.slug("slug", default=path.stem),
        kind=fields.choice("kind", KINDS, default=EntryKind.POLICY.value),
        section=fields.slug("section"),
        order=fields.integer("order", default=0, minimum=0, maximum=MAX_ORDER),
        channels=fields.channels("channels"),
        audience=fields.team_slugs("audience"),
        audience_line=fields.lines.get("audience"),
        owner=fields.text("owner", max_length=200),
        review_every_months=fields.integer("review_every_months", default=12, minimum=1, maximum=MAX_REVIEW_MONTHS),
        summary=fields.text("summary", max_length=500),
        effective_date=fields.date("effective_date"),
        body=clean_body(body),
        scripts=fields.parts("scripts", SCRIPT_KEYS, validate_scripts, optional=()),
        targets=fields.parts("targets", TARGET_KEYS, validate_targets, optional=("channel", "period")),
    )
    if known_sections is not None and entry.section and entry.section not in known_sections:
        listed = ", ".join(sorted(known_sections)) or "none"
        fields.problem("section", f"unknown section '{entry.section}' (manual.yml lists: {listed})")
    return entry if len(problems) == count else None


# Writing YAML -------------------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Front matter and manual.yml in a stable, readable form: multi-line text as blocks, lists of words inline."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    inline = all(isinstance(item, str) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=inline)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
