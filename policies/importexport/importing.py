"""Applying a checked ``ManualPlan`` to the database.

Only a folder without problems reaches ``manual_import_plan``, which writes inside one transaction through the
services, so that history records who imported what and why, and a save that changes nothing writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from people.models import Team
from people.services import team_save

from .. import services
from ..models import Entry, EntryStatus, Manual, Section, SharedValue
from ..permissions import can_edit, can_import, can_manage
from ..rendering.markdown import render_markdown
from .folder import MANUAL_FILE, EntryPlan, ManualImportError, ManualPlan, Problem, read_manual_folder

# The fields a published version is compared on. Where an entry sits (section, order) is arranged by managers
# and applies at once, so a change there alone makes no new version. The slug is the entry's identity: the
# import finds entries by it, and the export writes the entry's, so it never differs from the file's.
TEXT_FIELDS = tuple(f for f in services.EDITABLE_FIELDS if f not in services.PLACEMENT_FIELDS and f != "slug")
# Fields holding another row, compared by id.
RELATION_FIELDS = ("section", "owner_user", "owner_team")


@dataclass
class ImportReport:
    """What an import did. Entry lists hold slugs."""

    manual: Manual | None
    source: str
    publish: bool
    manual_created: bool = False
    manual_changed: list[str] = field(default_factory=list)
    teams_created: list[str] = field(default_factory=list)
    sections_created: list[str] = field(default_factory=list)
    sections_updated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[tuple[str, int]] = field(default_factory=list)
    kept_drafts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    sections_missing: list[str] = field(default_factory=list)
    values_created: list[str] = field(default_factory=list)
    values_changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.manual_created
            or self.manual_changed
            or self.teams_created
            or self.sections_created
            or self.sections_updated
            or self.created
            or self.updated
            or self.published
            or self.values_created
            or self.values_changed
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
            *([f"Teams created: {', '.join(self.teams_created)}."] if self.teams_created else []),
            *([f"Shared values created: {', '.join(self.values_created)}."] if self.values_created else []),
            *(
                [
                    f"Shared values changed ({'published' if self.publish else 'as drafts'}): "
                    f"{', '.join(self.values_changed)}."
                ]
                if self.values_changed
                else []
            ),
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
    """Why ``user`` may not run an import, or None if they may (``permissions.can_import`` decides)."""
    if can_import(user, publish=publish):
        return None
    if not can_manage(user):
        return "importing needs permission to manage manuals and sections (a manager or an administrator)"
    if not can_edit(user):
        return "importing needs permission to edit entries"
    return "--publish needs permission to approve and publish entries"


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
def manual_import_plan(
    *, plan: ManualPlan, publish: bool, user, source: str, dry_run: bool = False, reason: str = ""
) -> ImportReport:
    """Write a checked plan (see ``manual_import``). Raises ``ManualImportError`` and writes nothing if an
    entry cannot be saved, ``PermissionDenied`` if the user may not import.

    ``reason`` is what the history records for each change (then ": changed ..." where something changed);
    by default "Imported from ``source``".
    """
    denied = import_permission_problem(user, publish=publish)
    if denied:
        raise PermissionDenied(denied)
    manual = Manual.objects.filter(slug=plan.slug).first()
    existing: dict[str, Entry] = {}
    if manual is not None:
        existing = {e.slug: e for e in Entry.objects.filter(manual=manual).select_related("live_version")}
    refused = [
        Problem(e.file, f"the entry '{e.slug}' is retired in the manual; remove the file or restore the entry first")
        for e in plan.entries
        if e.slug in existing and existing[e.slug].status == EntryStatus.RETIRED
    ]
    refused += _audience_problems(plan)
    if refused:
        raise ManualImportError(refused)

    report = ImportReport(manual=manual, source=source, publish=publish)
    report.warnings = _broken_link_warnings(plan, set(existing))
    reason = reason or f"Imported from {source}"
    report.manual = manual = _import_manual(manual, plan, user=user, reason=reason, report=report)
    _import_teams(plan, user=user, reason=reason, report=report)
    sections = _import_sections(manual, plan, user=user, reason=reason, report=report)
    _import_values(manual, plan, user=user, reason=reason, report=report)  # before the entries that use them
    owners = _owners(plan, report)
    to_publish = _import_entries(manual, plan, sections, existing, owners, user=user, reason=reason, report=report)
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


def _audience_problems(plan: ManualPlan) -> list[Problem]:
    """Every audience slug that names neither a team of manual.yml nor a team of the app."""
    wanted = {slug for e in plan.entries for slug in e.audience}
    known = {t.slug for t in plan.teams} | set(Team.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    problems = []
    for entry in plan.entries:
        for slug in entry.audience:
            if slug not in known:
                message = f"the audience names the team '{slug}', which is not in the app nor in manual.yml's teams"
                problems.append(Problem(entry.file, message, entry.audience_line))
    return problems


def _import_teams(plan: ManualPlan, *, user, reason: str, report: ImportReport) -> None:
    """Create the teams of manual.yml that the app lacks. Teams it has are left as they are: people and
    teams are managed on the people pages, and a team's slug, not its name, is what entries use."""
    existing = {t.slug: t for t in Team.objects.filter(slug__in=[t.slug for t in plan.teams])}
    for item in plan.teams:
        team = existing.get(item.slug)
        if team is None:
            try:
                team_save(team=None, user=user, name=item.name, slug=item.slug, reason=reason)
            except ValidationError as exc:
                raise ManualImportError([Problem(MANUAL_FILE, f"team '{item.slug}': {_error_text(exc)}")]) from None
            report.teams_created.append(item.slug)
        elif team.name != item.name:
            report.warnings.append(
                f"{MANUAL_FILE} calls the team '{item.slug}' {item.name!r}; the app calls it {team.name!r} "
                "(left as it is)"
            )


def _owners(plan: ManualPlan, report: ImportReport) -> dict[str, tuple]:
    """Owner texts that are a username or a team's slug -> (person, team). Any other owner stays text, shown as
    unassigned, and is warned about."""
    texts = {e.owner for e in plan.entries if e.owner}
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=texts)}
    teams = {t.slug: t for t in Team.objects.filter(slug__in=texts)}
    owners: dict[str, tuple] = {}
    for entry in plan.entries:
        owner = entry.owner
        if not owner:
            continue
        if owner in users:
            owners[owner] = (users[owner], None)
            if owner in teams:
                report.warnings.append(
                    f"{entry.file} names the owner '{owner}', a username and a team's slug; taken as the person"
                )
        elif owner in teams:
            owners[owner] = (None, teams[owner])
        else:
            report.warnings.append(
                f"{entry.file} names the owner '{owner}', which is neither a username nor a team's slug; "
                "kept as text and shown as unassigned"
            )
    return owners


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


def _import_values(manual: Manual, plan: ManualPlan, *, user, reason: str, report: ImportReport) -> None:
    """Create the shared values the manual lacks; a changed value becomes a proposed change (a draft), or with
    ``publish`` is published at once in every entry that uses it. Values the folder lacks are left alone."""
    existing = {v.name: v for v in SharedValue.objects.filter(manual=manual)}
    for item in plan.values:
        shared = existing.get(item.name)
        try:
            if shared is None:
                services.value_create(
                    manual=manual, user=user, name=item.name, label=item.label, value=item.value, reason=reason
                )
                report.values_created.append(item.name)
                continue
            if shared.label != item.label:
                shared = services.value_relabel(shared_value=shared, user=user, label=item.label, reason=reason)
            already_proposed = shared.has_draft and shared.draft_value == item.value and not report.publish
            if item.value == shared.value or already_proposed:
                continue  # a change proposed in the app meanwhile stays, as entries' drafts do
            services.value_save_draft(shared_value=shared, user=user, value=item.value, reason=reason)
            if report.publish:
                services.value_approve(shared_value=shared, user=user, enforce_review=False)
            report.values_changed.append(item.name)
        except ValidationError as exc:
            raise ManualImportError([Problem(MANUAL_FILE, f"value '{item.name}': {_error_text(exc)}")]) from None


def _import_entries(manual, plan, sections, existing, owners, *, user, reason: str, report: ImportReport):
    """Save the working copies that differ from their files. Returns what to publish, with change summaries.

    With ``report.publish`` the target is the published text: an entry whose live version already matches its
    file is not touched (beyond its place in the manual), so a draft someone is writing in the app survives.
    """
    publish = report.publish
    to_publish: list[tuple[EntryPlan, Entry, str]] = []
    for item in plan.entries:
        data = item.data(sections, owners)
        entry = existing.get(item.slug)
        try:
            if entry is None:
                entry = services.entry_save_draft(entry=None, manual=manual, user=user, data=data, reason=reason)
                report.created.append(item.slug)
                if publish:
                    to_publish.append((item, entry, reason))
                continue
            draft_changes = _changed_fields(entry, data, services.EDITABLE_FIELDS)
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
        if name not in data:
            continue  # not carried by the files (the comprehension questions): left as it is in the app
        value = data[name]
        if name in RELATION_FIELDS:
            current, value = getattr(obj, f"{name}_id"), (value.pk if value is not None else None)
        elif name in ("channels", "audience"):
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
        html = render_markdown(entry.body, link_map=known)
        for slug in dict.fromkeys(html.broken_links):
            warnings.append(f"{entry.file} links to {slug}.md, which is not an entry of this manual")
        for address in html.bad_addresses:
            warnings.append(f"{entry.file} links to {address}, which is not an address a link can open")
    return warnings
