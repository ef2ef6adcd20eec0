"""Reads. Every page asks for what it shows here, in a fixed number of queries whatever the manual's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from .models import Entry, EntryStatus, EntryVersion, Manual, Section
from .rendering.markdown import resolve_entry_links


@dataclass
class SectionView:
    section: Section
    entries: list[EntryVersion] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def slug(self) -> str:
        return self.section.slug


@dataclass
class ManualSnapshot:
    """What readers see of a manual: its published entries, grouped by section in reading order.

    Each ``EntryVersion`` in it carries ``url`` (its page) and ``entry_slug``; ``html_for`` resolves the
    stored links between entries for the page or the document the snapshot is shown in.
    """

    manual: Manual
    sections: list[SectionView]
    made_at: datetime
    as_of: datetime | None = None
    version_label: str = ""

    @property
    def entries(self) -> list[EntryVersion]:
        return [version for section in self.sections for version in section.entries]

    @property
    def entry_count(self) -> int:
        return sum(len(section.entries) for section in self.sections)

    @property
    def last_published_at(self) -> datetime | None:
        return max((v.approved_at for v in self.entries), default=None)

    def page_urls(self) -> dict[int, str]:
        return {v.entry_id: v.url for v in self.entries}

    def anchor_urls(self) -> dict[int, str]:
        return {v.entry_id: f"#entry-{v.entry_slug}" for v in self.entries}

    def with_html(self, urls: dict[int, str]) -> ManualSnapshot:
        """Set ``html`` on every version: its body with links to other entries pointing at ``urls``."""
        for version in self.entries:
            version.html = resolve_entry_links(version.body_html, urls)
        self.manual.mission_html_resolved = resolve_entry_links(self.manual.mission_html, urls)
        self.manual.vision_html_resolved = resolve_entry_links(self.manual.vision_html, urls)
        for section in self.sections:
            section.intro_html = resolve_entry_links(section.section.intro_html, urls)
        return self


def manual_list() -> list[Manual]:
    return list(
        Manual.objects.annotate(
            live_count=Count(
                "entries", filter=Q(entries__live_version__isnull=False) & ~Q(entries__status=EntryStatus.RETIRED)
            )
        ).order_by("title")
    )


def manual_get(slug: str) -> Manual:
    try:
        return Manual.objects.get(slug=slug)
    except Manual.DoesNotExist:
        raise Http404("No such manual.") from None


def manual_snapshot(manual: Manual) -> ManualSnapshot:
    """The live manual: the published version of every entry that is not retired. Two queries."""
    sections = list(Section.objects.filter(manual=manual).order_by("order", "id"))
    versions = list(
        EntryVersion.objects.filter(entry__manual=manual, entry__live_version=F("id"))
        .exclude(entry__status=EntryStatus.RETIRED)
        .select_related("entry")
        .order_by("entry__order", "entry_id")
    )
    return _group(manual, sections, versions, placement="entry")



def _group(manual, sections, versions, *, placement: str) -> ManualSnapshot:
    """Group versions under sections. ``placement`` says whether the entry's current section and order
    ("entry") or the ones recorded in the version ("version") place it."""
    by_section = {s.pk: SectionView(section=s) for s in sections}
    base = reverse("policies:manual_home", kwargs={"manual": manual.slug})
    for version in versions:
        entry = version.entry
        section_id = entry.section_id if placement == "entry" else version.section_id
        version.entry_slug = entry.slug
        version.url = f"{base}{entry.slug}/"
        view = by_section.get(section_id)
        if view is not None:
            view.entries.append(version)
    if placement == "version":
        for view in by_section.values():
            view.entries.sort(key=lambda v: (v.order, v.entry_id))
    return ManualSnapshot(manual=manual, sections=list(by_section.values()), made_at=timezone.now())


def live_entry(manual: Manual, slug: str) -> tuple[Entry, EntryVersion]:
    """An entry readers may open, with its live version; 404 for drafts, retired entries and unknown slugs."""
    entry = (
        Entry.objects.live()
        .filter(manual=manual, slug=slug)
        .select_related("live_version", "live_version__approver", "section")
        .first()
    )
    if entry is None:
        raise Http404("No published entry by that name.")
    return entry, entry.live_version


def entry_link_urls(manual: Manual) -> dict[int, str]:
    """URL of every live entry of a manual, by entry id: one query, for resolving links on a page."""
    base = reverse("policies:manual_home", kwargs={"manual": manual.slug})
    return {pk: f"{base}{slug}/" for pk, slug in Entry.objects.live().filter(manual=manual).values_list("id", "slug")}


# Editing ----------------------------------------------------------------------------------------------------


def entry_for_editor(manual: Manual, slug: str) -> Entry:
    """Any entry of the manual, drafts and retired ones included (callers check the editor's permission)."""
    entry = (
        Entry.objects.filter(manual=manual, slug=slug)
        .select_related("manual", "section", "live_version", "last_author", "submitted_by")
        .first()
    )
    if entry is None:
        raise Http404("No entry by that name.")
    return entry


def entry_versions(entry: Entry) -> list[EntryVersion]:
    return list(entry.versions.select_related("approver", "author").order_by("-number"))


def entry_version(entry: Entry, number: int) -> EntryVersion:
    version = entry.versions.filter(number=number).first()
    if version is None:
        raise Http404(f"Version {number} does not exist.")
    return version


@dataclass
class TimelineEvent:
    at: datetime
    who: object
    what: str
    detail: str = ""
    status: str = ""
    version: EntryVersion | None = None


def entry_timeline(entry: Entry) -> list[TimelineEvent]:
    """Versions and every recorded change of the working copy, newest first. Two queries."""
    events = [
        TimelineEvent(
            at=v.approved_at,
            who=v.approver,
            what=f"Version {v.number} published",
            detail=v.change_summary,
            status="published",
            version=v,
        )
        for v in entry_versions(entry)
    ]
    for record in entry.history.select_related("history_user").order_by("-history_date", "-history_id"):
        reason = record.history_change_reason or ""
        if reason.startswith("Published version"):
            continue  # shown as the version itself
        events.append(
            TimelineEvent(
                at=record.history_date, who=record.history_user, what=reason or "Changed", status=record.status
            )
        )
    events.sort(key=lambda e: e.at, reverse=True)
    return events


def review_queue(manual: Manual) -> dict[str, list[Entry]]:
    """What awaits a reviewer, and drafts with unpublished changes. One query."""
    pending = list(
        Entry.objects.filter(manual=manual, has_unpublished_changes=True)
        .exclude(status=EntryStatus.RETIRED)
        .select_related("section", "last_author", "submitted_by", "live_version")
        .order_by("submitted_at", "updated_at")
    )
    return {
        "in_review": [e for e in pending if e.status == EntryStatus.IN_REVIEW],
        "drafts": [e for e in pending if e.status == EntryStatus.DRAFT],
    }


def manual_outline(manual: Manual) -> list[tuple[Section, list[Entry]]]:
    """Every section with every entry (any status), for arranging the manual. Two queries."""
    sections = list(Section.objects.filter(manual=manual).order_by("order", "id"))
    by_section: dict[int, list[Entry]] = {s.pk: [] for s in sections}
    for entry in Entry.objects.filter(manual=manual).select_related("live_version").order_by("order", "id"):
        by_section.setdefault(entry.section_id, []).append(entry)
    return [(s, by_section[s.pk]) for s in sections]
