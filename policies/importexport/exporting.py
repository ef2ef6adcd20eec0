"""Writing a manual out: as a folder in the import format, as one HTML file, or as a PDF.

The Markdown export writes exactly the import format, with the front matter in a fixed key order and text
normalised the same way the import normalises it, so that export, import and export again give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db.models import F

from people.models import Team

from .. import selectors
from ..models import Entry, EntryStatus, EntryVersion, Manual, Section, SharedValue
from ..models.parts import parse_number
from ..rendering.document import inline_stylesheets, render_manual_html
from ..rendering.pdf import manual_pdf
from .folder import MANUAL_FILE, SKIPPED_FILES, ManualExportError, clean_body, clean_text, dump_yaml, importable_files


def manual_yaml(manual: Manual, sections: list[Section], teams: list[Team] = (), values: list[SharedValue] = ()) -> str:
    """manual.yml: the manual's fields, its sections in order, ``teams`` (those the entries name) and the shared
    ``values`` (their approved text)."""
    data: dict = {"title": clean_text(manual.title), "slug": manual.slug}
    for name in ("organisation", "mission", "vision"):
        value = clean_text(getattr(manual, name))
        if value:
            data[name] = value
    if manual.channels:
        data["channels"] = list(manual.channels)
    data["sections"] = []
    for section in sections:
        item = {"slug": section.slug, "title": clean_text(section.title)}
        if clean_text(section.intro):
            item["intro"] = clean_text(section.intro)
        data["sections"].append(item)
    if teams:
        data["teams"] = [{"slug": team.slug, "name": clean_text(team.name)} for team in teams]
    if values:
        data["values"] = [{"name": v.name, "label": clean_text(v.label), "value": clean_text(v.value)} for v in values]
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
    if text.audience:
        data["audience"] = list(text.audience)
    owner = _owner_name(text)
    if owner:
        data["owner"] = owner
    data["review_every_months"] = text.review_every_months
    if clean_text(text.summary):
        data["summary"] = clean_text(text.summary)
    if text.effective_date:
        data["effective_date"] = text.effective_date
    if text.targets:
        data["targets"] = [_target_data(target) for target in text.targets]
    if text.scripts:
        data["scripts"] = [
            {"channel": s["channel"], "situation": s["situation"], "text": clean_body(s["text"])} for s in text.scripts
        ]
    body = clean_body(text.body)
    return f"---\n{dump_yaml(data)}---\n" + (f"\n{body}\n" if body else "")


def _target_data(target: dict) -> dict:
    """A target as the file writes it: the value as a number, and no empty channel or period."""
    number = parse_number(target["value"])
    value = int(number) if number is not None and number == number.to_integral_value() else float(number or 0)
    data = {"metric": target["metric"]}
    if target.get("channel"):
        data["channel"] = target["channel"]
    data |= {"comparison": target["comparison"], "value": value, "unit": target["unit"]}
    if target.get("period"):
        data["period"] = target["period"]
    return data


def _owner_name(text) -> str:
    """The owner as the import reads it: a username, a team's slug, or else the words."""
    if text.owner_user_id:
        return text.owner_user.get_username()
    if text.owner_team_id:
        return text.owner_team.slug
    return clean_text(text.owner)


def _team_slugs(text) -> list[str]:
    """The teams an entry or version names: its audience and its owning team."""
    return [*(text.audience or []), *([text.owner_team.slug] if text.owner_team_id else [])]


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
    entry_files: dict[str, str] = {}
    named_teams: set[str] = set()
    if drafts:
        entries = (
            Entry.objects.filter(manual=manual)
            .exclude(status=EntryStatus.RETIRED)
            .select_related("owner_user", "owner_team")
            .order_by("slug")
        )
        for entry in entries:
            entry_files[f"{entry.slug}.md"] = entry_markdown(entry, entry=entry, section=by_id[entry.section_id])
            named_teams.update(_team_slugs(entry))
    else:
        versions = (
            EntryVersion.objects.filter(entry__manual=manual, entry__live_version=F("id"))
            .exclude(entry__status=EntryStatus.RETIRED)
            .select_related("entry", "owner_user", "owner_team")
            .order_by("slug")
        )
        for version in versions:
            entry = version.entry
            entry_files[f"{entry.slug}.md"] = entry_markdown(version, entry=entry, section=by_id[entry.section_id])
            named_teams.update(_team_slugs(version))
    # The teams the exported entries name, so that the folder imports where those teams do not exist yet.
    teams = list(Team.objects.filter(slug__in=named_teams).order_by("slug")) if named_teams else []
    values = list(SharedValue.objects.filter(manual=manual).order_by("name"))
    files: dict[str, str] = {MANUAL_FILE: manual_yaml(manual, sections, teams, values), **entry_files}
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
    return inline_stylesheets(render_manual_html(selectors.manual_snapshot(manual), for_pdf=True), for_pdf=True)


def manual_export_pdf(*, manual: Manual) -> bytes:
    """The manual's published text as a PDF."""
    return manual_pdf(selectors.manual_snapshot(manual))
