"""A manual as a folder of files, and back: the import and export formats described in docs/file-format.md.

Importing happens in two steps. ``read_manual_folder`` reads and checks every file without touching the
database and raises ``ManualImportError`` listing every problem, each naming its file (and line). Only a folder
without problems reaches ``manual_import_plan``, which writes inside one transaction through the services, so
that history records who imported what and why, and a save that changes nothing writes nothing.

The Markdown export writes exactly the import format, with the front matter in a fixed key order and text
normalised the same way the import normalises it, so that export, import and export again give the same bytes.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import F

from . import services
from .models import Entry, EntryKind, EntryStatus, EntryVersion, Manual, Section
from .models.entry import CHANNEL_ORDER
from .permissions import can_approve, can_edit, can_manage
from .rendering.markdown import render_markdown

MANUAL_FILE = "manual.yml"
SKIPPED_FILES = {"README.md"}

MANUAL_KEYS = ("title", "slug", "organisation", "mission", "vision", "sections")
SECTION_KEYS = ("slug", "title", "intro")
# The order in which the export writes an entry's front matter.
ENTRY_KEYS = (
    "title", "slug", "kind", "section", "order", "channels", "owner", "review_every_months", "summary",
    "effective_date",
)  # fmt: skip
# The fields a published version is compared on. Where an entry sits (section, order) is arranged by managers
# and applies at once, so a change there alone makes no new version. The slug is the entry's identity: the
# import finds entries by it, and the export writes the entry's, so it never differs from the file's.
TEXT_FIELDS = tuple(f for f in services.ENTRY_CONTENT_FIELDS if f not in services.PLACEMENT_FIELDS and f != "slug")

KINDS = [k.value for k in EntryKind]
MAX_REVIEW_MONTHS = 120
MAX_ORDER = 2_147_483_647


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
    """A front matter or manual.yml string as stored: without surrounding whitespace."""
    return value.strip()


_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")


def clean_body(text: str) -> str:
    """An entry body as stored: verbatim, less any blank lines before it and whitespace after it."""
    return _LEADING_BLANK_LINES.sub("", text).rstrip()


# Reading the folder -------------------------------------------------------------------------------------------


@dataclass
class SectionPlan:
    slug: str
    title: str
    intro: str
    order: int


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

    def data(self, sections: dict[str, Section]) -> dict:
        """The entry's fields as the services take them."""
        return {
            "kind": self.kind,
            "title": self.title,
            "slug": self.slug,
            "summary": self.summary,
            "body": self.body,
            "section": sections[self.section],
            "order": self.order,
            "owner": self.owner,
            "channels": list(self.channels),
            "review_every_months": self.review_every_months,
            "effective_date": self.effective_date,
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

    def manual_data(self) -> dict:
        return {
            "title": self.title,
            "slug": self.slug,
            "organisation": self.organisation,
            "mission": self.mission,
            "vision": self.vision,
        }

    def entry(self, slug: str) -> EntryPlan:
        return next(e for e in self.entries if e.slug == slug)

    def with_entry(self, slug: str, **changes) -> ManualPlan:
        """A copy of the plan with one entry's fields changed (the demo loader uses it to build history)."""
        entries = [replace(e, **changes) if e.slug == slug else e for e in self.entries]
        return replace(self, entries=entries)


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
    )
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
        owner=fields.text("owner", max_length=200),
        review_every_months=fields.integer("review_every_months", default=12, minimum=1, maximum=MAX_REVIEW_MONTHS),
        summary=fields.text("summary", max_length=500),
        effective_date=fields.date("effective_date"),
        body=clean_body(body),
    )
    if known_sections is not None and entry.section and entry.section not in known_sections:
        listed = ", ".join(sorted(known_sections)) or "none"
        fields.problem("section", f"unknown section '{entry.section}' (manual.yml lists: {listed})")
    return entry if len(problems) == count else None


# Writing ------------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did. Entry lists hold slugs."""

    manual: Manual | None
    source: str
    publish: bool
    manual_created: bool = False
    manual_changed: list[str] = field(default_factory=list)
    sections_created: list[str] = field(default_factory=list)
    sections_updated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[tuple[str, int]] = field(default_factory=list)
    kept_drafts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    sections_missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.manual_created
            or self.manual_changed
            or self.sections_created
            or self.sections_updated
            or self.created
            or self.updated
            or self.published
        )

    def lines(self) -> list[str]:
        """The report as the command prints it."""
        if self.manual_created:
            manual_state = "created"
        elif self.manual_changed:
            manual_state = f"changed {', '.join(self.manual_changed)}"
        else:
            manual_state = "unchanged"
        if self.publish:
            published = f"{len(self.published)} versions published."
        else:
            published = "saved as drafts (not published)."
        out = [
            f"Manual '{self.manual.slug}' ({self.manual.title}): {manual_state}.",
            f"Sections: {len(self.sections_created)} created, {len(self.sections_updated)} changed.",
            f"Entries: {len(self.created)} created, {len(self.updated)} changed, {len(self.unchanged)} unchanged; "
            + published,
        ]
        if self.kept_drafts:
            out.append(
                "Published text already matches the folder; drafts in progress left as they are: "
                + ", ".join(self.kept_drafts)
            )
        if self.missing:
            out.append("In the manual but not in the folder (left as they are): " + ", ".join(self.missing))
        if self.sections_missing:
            out.append("Sections not in manual.yml (left as they are): " + ", ".join(self.sections_missing))
        out.extend(f"Warning: {w}" for w in self.warnings)
        return out


def import_permission_problem(user, *, publish: bool) -> str | None:
    """Why ``user`` may not run an import, or None if they may."""
    if not can_manage(user):
        return "importing needs permission to manage manuals and sections (a manager or an administrator)"
    if not can_edit(user):
        return "importing needs permission to edit entries"
    if publish and not can_approve(user):
        return "--publish needs permission to approve and publish entries"
    return None


def manual_import(*, path: str | Path, publish: bool, user, source: str = "", dry_run: bool = False) -> ImportReport:
    """Import a manual folder: check every file first, then write everything or nothing.

    Entries are matched by slug. Without ``publish`` the imported text becomes the working copy (a draft);
    with it, the imported text becomes the published text, one new version per changed entry. Entries of the
    manual that the folder lacks are left alone and listed in the report. ``dry_run`` checks and reports
    without keeping any change.
    """
    plan = read_manual_folder(path)
    return manual_import_plan(plan=plan, publish=publish, user=user, source=source or str(path), dry_run=dry_run)


@transaction.atomic
def manual_import_plan(*, plan: ManualPlan, publish: bool, user, source: str, dry_run: bool = False) -> ImportReport:
    """Write a checked plan (see ``manual_import``). Raises ``ManualImportError`` and writes nothing if an
    entry cannot be saved, ``PermissionDenied`` if the user may not import."""
    denied = import_permission_problem(user, publish=publish)
    if denied:
        raise PermissionDenied(denied)
    manual = Manual.objects.filter(slug=plan.slug).first()
    existing: dict[str, Entry] = {}
    if manual is not None:
        existing = {e.slug: e for e in Entry.objects.filter(manual=manual).select_related("live_version")}
    retired = [
        Problem(e.file, f"the entry '{e.slug}' is retired in the manual; remove the file or restore the entry first")
        for e in plan.entries
        if e.slug in existing and existing[e.slug].status == EntryStatus.RETIRED
    ]
    if retired:
        raise ManualImportError(retired)

    report = ImportReport(manual=manual, source=source, publish=publish)
    report.warnings = _broken_link_warnings(plan, set(existing))
    reason = f"Imported from {source}"
    report.manual = manual = _import_manual(manual, plan, user=user, reason=reason, report=report)
    sections = _import_sections(manual, plan, user=user, reason=reason, report=report)
    to_publish = _import_entries(manual, plan, sections, existing, user=user, reason=reason, report=report)
    for item, entry, summary in to_publish:
        try:
            version = services.entry_approve(entry=entry, user=user, change_summary=summary, enforce_review=False)
        except ValidationError as exc:
            raise ManualImportError([Problem(item.file, _error_text(exc))]) from None
        report.published.append((item.slug, version.number))

    in_folder = {e.slug for e in plan.entries}
    report.missing = sorted(
        slug for slug, e in existing.items() if slug not in in_folder and e.status != EntryStatus.RETIRED
    )
    if dry_run:
        transaction.set_rollback(True)
    return report


def _import_manual(manual: Manual | None, plan: ManualPlan, *, user, reason: str, report: ImportReport) -> Manual:
    data = plan.manual_data()
    if manual is None:
        report.manual_created = True
        return services.manual_save(manual=None, user=user, data=data, reason=reason)
    changed = sorted(name for name, value in data.items() if getattr(manual, name) != value)
    if changed:
        report.manual_changed = changed
        manual = services.manual_save(
            manual=manual, user=user, data=data, reason=f"{reason}: changed {', '.join(changed)}"
        )
    return manual


def _import_sections(manual: Manual, plan: ManualPlan, *, user, reason: str, report: ImportReport):
    """Create or change the sections, placed in the order manual.yml lists them. Returns them by slug."""
    sections = {s.slug: s for s in Section.objects.filter(manual=manual)}
    for item in plan.sections:
        data = {"title": item.title, "slug": item.slug, "intro": item.intro, "order": item.order}
        section = sections.get(item.slug)
        if section is None:
            sections[item.slug] = services.section_save(
                section=None, manual=manual, user=user, data=data, reason=reason
            )
            report.sections_created.append(item.slug)
            continue
        changed = sorted(name for name, value in data.items() if getattr(section, name) != value)
        if changed:
            services.section_save(
                section=section, manual=manual, user=user, data=data, reason=f"{reason}: changed {', '.join(changed)}"
            )
            report.sections_updated.append(item.slug)
    listed = {s.slug for s in plan.sections}
    report.sections_missing = sorted(slug for slug in sections if slug not in listed)
    return sections


def _import_entries(manual, plan, sections, existing, *, user, reason: str, report: ImportReport):
    """Save the working copies that differ from their files. Returns what to publish, with change summaries.

    With ``report.publish`` the target is the published text: an entry whose live version already matches its
    file is not touched (beyond its place in the manual), so a draft someone is writing in the app survives.
    """
    publish = report.publish
    to_publish: list[tuple[EntryPlan, Entry, str]] = []
    for item in plan.entries:
        data = item.data(sections)
        entry = existing.get(item.slug)
        try:
            if entry is None:
                entry = services.entry_save_draft(entry=None, manual=manual, user=user, data=data, reason=reason)
                report.created.append(item.slug)
                if publish:
                    to_publish.append((item, entry, reason))
                continue
            draft_changes = _changed_fields(entry, data, services.ENTRY_CONTENT_FIELDS)
            live = entry.live_version
            live_changes = _changed_fields(live, data, TEXT_FIELDS) if live else list(TEXT_FIELDS)
            if publish and live is not None and not live_changes:
                draft_changes = [name for name in draft_changes if name in services.PLACEMENT_FIELDS]
                if entry.has_unpublished_changes:
                    report.kept_drafts.append(item.slug)
            if draft_changes:
                entry = services.entry_save_draft(
                    entry=entry, manual=manual, user=user, data={name: data[name] for name in draft_changes},
                    reason=f"{reason}: changed {', '.join(sorted(draft_changes))}",
                )  # fmt: skip
                report.updated.append(item.slug)
            else:
                report.unchanged.append(item.slug)
        except (ValidationError, services.EditConflict) as exc:
            raise ManualImportError([Problem(item.file, _error_text(exc))]) from None
        if publish and live_changes and entry.has_unpublished_changes:
            summary = f"{reason}: changed {', '.join(sorted(live_changes))}" if live else reason
            to_publish.append((item, entry, summary))
    return to_publish


def _changed_fields(obj, data: dict, fields) -> list[str]:
    """The fields whose value in ``data`` differs from ``obj`` (an entry or a version)."""
    changed = []
    for name in fields:
        value = data[name]
        if name == "section":
            current, value = obj.section_id, value.pk
        elif name == "channels":
            current, value = list(getattr(obj, name) or []), list(value or [])
        else:
            current = getattr(obj, name)
        if current != value:
            changed.append(name)
    return changed


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _broken_link_warnings(plan: ManualPlan, existing_slugs: set[str]) -> list[str]:
    known = {slug: 0 for slug in existing_slugs | {e.slug for e in plan.entries}}
    warnings = []
    for entry in plan.entries:
        broken = render_markdown(entry.body, link_map=known).broken_links
        for slug in dict.fromkeys(broken):
            warnings.append(f"{entry.file} links to {slug}.md, which is not an entry of this manual")
    return warnings


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


def manual_yaml(manual: Manual, sections: list[Section]) -> str:
    data: dict = {"title": clean_text(manual.title), "slug": manual.slug}
    for name in ("organisation", "mission", "vision"):
        value = clean_text(getattr(manual, name))
        if value:
            data[name] = value
    data["sections"] = []
    for section in sections:
        item = {"slug": section.slug, "title": clean_text(section.title)}
        if clean_text(section.intro):
            item["intro"] = clean_text(section.intro)
        data["sections"].append(item)
    return dump_yaml(data)


def entry_markdown(text, *, entry: Entry, section: Section) -> str:
    """An entry file: front matter in ``ENTRY_KEYS`` order, a blank line, the body.

    ``text`` is the entry itself or one of its versions (the words readers see); ``entry`` gives its identity
    (slug) and place (``section``, order), which are the entry's current ones.
    """
    data: dict = {
        "title": clean_text(text.title),
        "slug": entry.slug,
        "kind": text.kind,
        "section": section.slug,
        "order": entry.order,
        "channels": list(text.channels or []),
    }
    if clean_text(text.owner):
        data["owner"] = clean_text(text.owner)
    data["review_every_months"] = text.review_every_months
    if clean_text(text.summary):
        data["summary"] = clean_text(text.summary)
    if text.effective_date:
        data["effective_date"] = text.effective_date
    body = clean_body(text.body)
    return f"---\n{dump_yaml(data)}---\n" + (f"\n{body}\n" if body else "")


@dataclass
class ExportReport:
    path: Path
    written: list[str]
    removed: list[str]


def manual_export_markdown(*, manual: Manual, path: str | Path, drafts: bool = False) -> ExportReport:
    """Write a manual as a folder in the import format: manual.yml and one ``<slug>.md`` per entry.

    By default the published text of every live entry (retired entries and never-published drafts are left
    out); with ``drafts`` the working copies of every entry that is not retired. The folder must be new,
    empty, or an earlier export of the same manual, whose entry files this export replaces.
    """
    root = Path(path)
    _check_export_folder(root, manual)
    sections = list(Section.objects.filter(manual=manual).order_by("order", "id"))
    by_id = {s.pk: s for s in sections}
    files: dict[str, str] = {MANUAL_FILE: manual_yaml(manual, sections)}
    if drafts:
        entries = Entry.objects.filter(manual=manual).exclude(status=EntryStatus.RETIRED).order_by("slug")
        for entry in entries:
            files[f"{entry.slug}.md"] = entry_markdown(entry, entry=entry, section=by_id[entry.section_id])
    else:
        versions = (
            EntryVersion.objects.filter(entry__manual=manual, entry__live_version=F("id"))
            .exclude(entry__status=EntryStatus.RETIRED)
            .select_related("entry")
            .order_by("slug")
        )
        for version in versions:
            entry = version.entry
            files[f"{entry.slug}.md"] = entry_markdown(version, entry=entry, section=by_id[entry.section_id])
    skipped = sorted(name for name in files if name in SKIPPED_FILES)
    if skipped:
        raise ManualExportError(f"An entry's slug makes the file name {skipped[0]}, which the import skips; rename it")
    if len({name.lower() for name in files}) != len(files):
        raise ManualExportError("Two entries' slugs differ only in capitals; their files would overwrite each other")
    root.mkdir(parents=True, exist_ok=True)
    removed = []
    for old in importable_files(root):
        name = old.relative_to(root).as_posix()
        if name not in files:
            old.unlink()
            removed.append(name)
    for name, text in files.items():
        (root / name).write_bytes(text.encode("utf-8"))
    return ExportReport(path=root, written=sorted(files), removed=removed)


def _check_export_folder(root: Path, manual: Manual) -> None:
    if root.exists() and not root.is_dir():
        raise ManualExportError(f"{root} is a file; the Markdown export writes a folder")
    if root.is_dir() and any(root.iterdir()):
        previous = root / MANUAL_FILE
        if not previous.is_file():
            raise ManualExportError(
                f"{root} is not empty and holds no {MANUAL_FILE}; choose a new or empty folder, "
                "or a folder with an earlier export of this manual"
            )
        try:
            slug = (yaml.safe_load(previous.read_text(encoding="utf-8")) or {}).get("slug")
        except (yaml.YAMLError, UnicodeDecodeError, AttributeError):
            slug = None
        if slug != manual.slug:
            raise ManualExportError(
                f"{root} holds another manual's export ({MANUAL_FILE} says slug {slug!r}, not {manual.slug!r})"
            )


def manual_export_html(*, manual: Manual) -> str:
    """The manual's published text as one self-contained HTML file: the document the PDF is made from."""
    from . import selectors
    from .rendering.document import render_manual_html

    return render_manual_html(selectors.manual_snapshot(manual), for_pdf=True)


def manual_export_pdf(*, manual: Manual) -> bytes:
    """The manual's published text as a PDF."""
    from . import selectors
    from .rendering.pdf import manual_pdf

    return manual_pdf(selectors.manual_snapshot(manual))


__all__ = [
    "ExportReport", "ImportReport", "ManualExportError", "ManualImportError", "ManualPlan", "Problem",
    "manual_export_html", "manual_export_markdown", "manual_export_pdf", "manual_import", "manual_import_plan",
    "read_manual_folder",
]  # fmt: skip
