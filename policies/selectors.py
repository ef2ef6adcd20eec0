"""Reads. Every page asks for what it shows here, in a fixed number of queries whatever the manual's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from . import contributions
from .models import Edition, Entry, EntryRedirect, EntryStatus, EntryVersion, Manual, Section
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

    Each ``EntryVersion`` in it carries ``url`` (its page) and ``entry_slug``; ``with_html`` resolves the
    stored links between entries for the page or the document the snapshot is shown in.
    """

    manual: Manual
    sections: list[SectionView]
    made_at: datetime
    as_of: datetime | None = None
    version_label: str = ""
    edition: Edition | None = None
    home_url: str = ""
    pdf_url: str = ""
    print_url: str = ""

    @property
    def is_past(self) -> bool:
        return self.as_of is not None or self.edition is not None

    @property
    def entries(self) -> list[EntryVersion]:
        return [version for section in self.sections for version in section.entries]

    @property
    def entry_count(self) -> int:
        return sum(len(section.entries) for section in self.sections)

    @property
    def last_published_at(self) -> datetime | None:
        return max((v.approved_at for v in self.entries), default=None)

    def page_urls(self) -> dict[int | str, str]:
        """Each entry's page, by entry id and by slug (the two ways stored links name an entry)."""
        urls: dict[int | str, str] = {v.entry_id: v.url for v in self.entries}
        urls.update({v.entry_slug: v.url for v in self.entries})
        return urls

    def anchor_urls(self) -> dict[int | str, str]:
        """Each entry's anchor in the one-page document, by entry id and by slug."""
        urls: dict[int | str, str] = {v.entry_id: f"#entry-{v.entry_slug}" for v in self.entries}
        urls.update({v.entry_slug: f"#entry-{v.entry_slug}" for v in self.entries})
        return urls

    def with_html(self, urls: dict[int, str], *, bodies: bool = True) -> ManualSnapshot:
        """Resolve the links between entries to ``urls``: in the manual's statements and section intros, and
        (with ``bodies``) in every version's body, set as ``html``."""
        for version in self.entries if bodies else ():
            version.html = resolve_entry_links(version.body_html, urls)
        self.manual.mission_html_resolved = resolve_entry_links(self.manual.mission_html, urls)
        self.manual.vision_html_resolved = resolve_entry_links(self.manual.vision_html, urls)
        for section in self.sections:
            section.intro_html = resolve_entry_links(section.section.intro_html, urls)
        return self


def manual_list() -> list[Manual]:
    return list(
        Manual.objects.annotate(
            live_count=Count("entries", filter=Q(entries__live_version__isnull=False, entries__retired_at__isnull=True))
        ).order_by("title")
    )


def manual_get(slug: str) -> Manual:
    try:
        return Manual.objects.get(slug=slug)
    except Manual.DoesNotExist:
        raise Http404("No such manual.") from None


def _unread(bodies: bool) -> tuple[str, ...]:
    """Version fields a snapshot leaves out: always the Markdown source (readers get the stored HTML), and the
    HTML too where the page shows only titles (contents, home page, search)."""
    return ("body",) if bodies else ("body", "body_html")


def manual_snapshot(manual: Manual, *, bodies: bool = True) -> ManualSnapshot:
    """The live manual: the published version of every entry that is not retired. Two queries."""
    sections = list(Section.objects.filter(manual=manual).order_by("order", "id"))
    versions = list(
        EntryVersion.objects.filter(entry__manual=manual, entry__live_version=F("id"), entry__retired_at__isnull=True)
        .select_related("entry")
        .defer(*_unread(bodies), "entry__body", "entry__body_html")
    )
    return _group(manual, sections, versions)


def _group(manual, sections, versions, *, entries=None, query: str = "") -> ManualSnapshot:
    """Group versions under sections in reading order.

    An entry's section, order and slug come from ``entries`` (entry id -> the entry as it was then, for a past
    view) or else from the entry itself. ``query`` is appended to every URL (``?as_of=...`` for a past view).
    """
    by_section = {s.pk: SectionView(section=s) for s in sections}
    base = reverse("policies:manual_home", kwargs={"manual": manual.slug})
    for version in versions:
        placed = entries[version.entry_id] if entries is not None else version.entry
        version.entry_slug, section_id, version.place = placed.slug, placed.section_id, placed.order
        version.url = f"{base}{version.entry_slug}/{query}"
        view = by_section.get(section_id)
        if view is not None:
            view.entries.append(version)
    for view in by_section.values():
        view.entries.sort(key=lambda v: (v.place, v.entry_id))
    return ManualSnapshot(
        manual=manual,
        sections=list(by_section.values()),
        made_at=timezone.now(),
        home_url=f"{base}{query}",
        print_url=reverse("policies:manual_print", kwargs={"manual": manual.slug}) + query,
        pdf_url=reverse("policies:manual_pdf", kwargs={"manual": manual.slug}) + query,
    )


def live_entry(manual: Manual, slug: str) -> tuple[Entry, EntryVersion]:
    """An entry readers may open, with its live version; 404 for drafts, retired entries and unknown slugs."""
    entry = (
        Entry.objects.live()
        .filter(manual=manual, slug=slug)
        .select_related("live_version", "live_version__approver", "section", "scheduled_version__approver")
        .first()
    )
    if entry is None:
        raise Http404("No published entry by that name.")
    return entry, entry.live_version


def entry_redirect(manual: Manual, slug: str) -> str | None:
    """Where an old address of an entry now lives, or None when ``slug`` is no old address."""
    moved = EntryRedirect.objects.filter(manual=manual, old_slug=slug).select_related("entry").first()
    return moved.entry.get_absolute_url() if moved else None


def entry_link_urls(manual: Manual) -> dict[int | str, str]:
    """URL of every live entry of a manual, by entry id and by slug: one query, for resolving links on a page."""
    base = reverse("policies:manual_home", kwargs={"manual": manual.slug})
    urls: dict[int | str, str] = {}
    for pk, slug in Entry.objects.live().filter(manual=manual).values_list("id", "slug"):
        urls[pk] = urls[slug] = f"{base}{slug}/"
    return urls


# Editing ----------------------------------------------------------------------------------------------------


def entry_for_editor(manual: Manual, slug: str) -> Entry:
    """Any entry of the manual, drafts and retired ones included (callers check the editor's permission)."""
    entry = (
        Entry.objects.filter(manual=manual, slug=slug)
        .select_related("manual", "section", "live_version", "last_author", "submitted_by", "review_comment_by")
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

    @property
    def status_label(self) -> str:
        return EntryStatus(self.status).label if self.status in EntryStatus.values else self.status


def entry_timeline(entry: Entry) -> list[TimelineEvent]:
    """Versions, every recorded change of the working copy, and what the apps above add (reviews that found no
    change, the feedback its versions answered: ``contributions.timeline``), newest first. Two queries, and
    one for each contribution."""
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
        if reason.startswith(("Published version", "Reviewed, no change")):
            continue  # shown as the version, or by the review's own contribution
        events.append(
            TimelineEvent(
                at=record.history_date, who=record.history_user, what=reason or "Changed", status=record.status
            )
        )
    for contributed in contributions.timeline.collect(entry=entry):
        events += contributed
    events.sort(key=lambda e: e.at, reverse=True)
    return events


def review_queue(manual: Manual) -> dict[str, list[Entry]]:
    """What awaits a reviewer, and drafts with unpublished changes. One query."""
    pending = list(
        Entry.objects.filter(manual=manual, has_unpublished_changes=True)
        .exclude(status=EntryStatus.RETIRED)
        .select_related("section", "last_author", "submitted_by", "live_version", "review_comment_by")
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


# The past: point in time and editions --------------------------------------------------------------------------


def manual_snapshot_as_of(manual: Manual, when: datetime, *, bodies: bool = True) -> ManualSnapshot:
    """The published manual exactly as readers saw it at ``when``. Four queries, whatever the size.

    For each entry, the newest version that had taken effect by ``when`` (approved by then, and its
    effective date, if later, come); the entry's place, slug and retired
    state come from its history as of ``when``, and so do the sections and the manual's statements.
    """
    front = (
        Manual.history.filter(id=manual.pk, history_date__lte=when)
        .order_by("-history_date", "-history_id")
        .values("title", "organisation", "mission_html", "vision_html")
        .first()
    )
    if front is None:
        # Before the manual existed nothing was published: an empty manual, not an error (auditors compare
        # "from the start of the year" without knowing when the manual was set up).
        front = {"title": manual.title, "organisation": manual.organisation, "mission_html": "", "vision_html": ""}
    then_manual = Manual(pk=manual.pk, slug=manual.slug, **front)
    sections = sorted(Section.history.as_of(when).filter(manual_id=manual.pk), key=lambda s: (s.order, s.id))
    # For each entry (entries are never deleted), its newest history row and its newest version by then, each
    # found through an indexed subquery per entry: the work grows with the entries, not with their past.
    HistoricalEntry = Entry.history.model
    then_rows = Entry.objects.filter(manual=manual).annotate(
        then_id=Subquery(
            HistoricalEntry.objects.filter(id=OuterRef("pk"), history_date__lte=when)
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
    )
    # Plain values, not instances: building instances would load each entry's untracked fields one by one.
    entries = {
        row["id"]: SimpleNamespace(**row)
        for row in HistoricalEntry.objects.filter(history_id__in=then_rows.values("then_id")).values(
            "id", "slug", "section_id", "order", "retired_at"
        )
    }
    newest = Entry.objects.filter(manual=manual).annotate(
        version_id=Subquery(
            EntryVersion.objects.filter(entry_id=OuterRef("pk"), takes_effect_at__lte=when)
            .order_by("-takes_effect_at", "-number")
            .values("id")[:1]
        )
    )
    versions = [
        v
        for v in EntryVersion.objects.filter(id__in=newest.values("version_id")).defer(*_unread(bodies))
        if v.entry_id in entries and entries[v.entry_id].retired_at is None
    ]
    snapshot = _group(then_manual, sections, versions, entries=entries, query=f"?as_of={_as_of_param(when)}")
    snapshot.as_of = when
    return snapshot


def _as_of_param(when: datetime) -> str:
    local = timezone.localtime(when)
    return local.isoformat(timespec="seconds").replace("+", "%2B")


def entry_as_of(snapshot: ManualSnapshot, slug: str) -> EntryVersion:
    """An entry of a past view, found by its slug at that time; 404 if readers could not see it then."""
    for version in snapshot.entries:
        if version.entry_slug == slug:
            return version
    raise Http404("That entry was not in the published manual at that time.")


def edition_list(manual: Manual) -> list[Edition]:
    return list(
        Edition.objects.filter(manual=manual)
        .select_related("released_by")
        .annotate(entry_count=Count("items"))
        .order_by("-released_at")
    )


def edition_get(manual: Manual, label: str) -> Edition:
    edition = Edition.objects.filter(manual=manual, label=label).select_related("released_by", "manual").first()
    if edition is None:
        raise Http404("No edition with that number.")
    return edition


def _day(when: datetime) -> str:
    return date_format(timezone.localtime(when), "j F Y")


def edition_snapshot(edition: Edition) -> ManualSnapshot:
    """An edition exactly as released: its frozen sections and versions. Two queries."""
    manual = edition.manual
    front = Manual(
        pk=manual.pk, slug=manual.slug, title=edition.title, organisation=edition.organisation,
        mission_html=edition.mission_html, vision_html=edition.vision_html,
    )  # fmt: skip
    sections = list(edition.sections.order_by("order"))
    base = reverse("policies:edition_detail", kwargs={"manual": manual.slug, "edition": edition.label})
    views = {
        s.pk: SectionView(section=Section(pk=s.section_id, title=s.title, slug=s.slug, intro_html=s.intro_html))
        for s in sections
    }
    for item in edition.items.select_related("version").order_by("edition_section__order", "order"):
        version = item.version
        version.entry_slug = item.slug
        version.url = f"{base}{item.slug}/"
        views[item.edition_section_id].entries.append(version)
    return ManualSnapshot(
        manual=front,
        sections=list(views.values()),
        made_at=timezone.now(),
        version_label=f"Edition {edition.label}, released {_day(edition.released_at)}",
        edition=edition,
        home_url=base,
        print_url=f"{base}print/",
        pdf_url=reverse("policies:edition_pdf", kwargs={"manual": manual.slug, "edition": edition.label}),
    )


@dataclass
class EntryChange:
    kind: str  # "new", "revised" or "retired"
    title: str
    slug: str
    before: EntryVersion | None
    after: EntryVersion | None
    summaries: list[str] = field(default_factory=list)


def snapshot_changes(
    before: ManualSnapshot | None, after: ManualSnapshot, *, summaries: bool = True
) -> list[EntryChange]:
    """What changed from one view of the manual to another: entries added, revised and retired.

    With ``summaries``, each revised or new entry lists the change summaries of the versions in between
    (one query).
    """
    old = {v.entry_id: v for v in (before.entries if before else [])}
    new = {v.entry_id: v for v in after.entries}
    changes: list[EntryChange] = []
    for entry_id, version in new.items():
        previous = old.get(entry_id)
        if previous is None:
            changes.append(EntryChange("new", version.title, version.entry_slug, None, version))
        elif previous.pk != version.pk:
            changes.append(EntryChange("revised", version.title, version.entry_slug, previous, version))
    for entry_id, version in old.items():
        if entry_id not in new:
            changes.append(EntryChange("retired", version.title, version.entry_slug, version, None))
    if summaries and changes:
        ranges = {c.after.entry_id: (c.before.number if c.before else 0, c.after.number) for c in changes if c.after}
        q = Q(pk__in=[])
        for entry_id, (low, high) in ranges.items():
            q |= Q(entry_id=entry_id, number__gt=low, number__lte=high)
        by_entry: dict[int, list[str]] = {}
        for entry_id, summary in (
            EntryVersion.objects.filter(q).order_by("number").values_list("entry_id", "change_summary")
        ):
            by_entry.setdefault(entry_id, []).append(summary)
        for change in changes:
            if change.after:
                change.summaries = by_entry.get(change.after.entry_id, [])
        retired = {c.before.entry_id: c for c in changes if c.kind == "retired"}
        if retired:
            # Why each was retired: the reason its latest retirement recorded.
            reasons = (
                Entry.history.filter(id__in=retired, status=EntryStatus.RETIRED)
                .exclude(retired_reason="")
                .order_by("history_date", "history_id")
                .values_list("id", "retired_reason")
            )
            for entry_id, reason in reasons:
                retired[entry_id].summaries = [reason]
    order = {"new": 0, "revised": 1, "retired": 2}
    changes.sort(key=lambda c: (order[c.kind], c.title.lower()))
    return changes


def version_bodies(versions) -> dict[int, str]:
    """The Markdown source of many versions in one query (snapshots leave it out: readers get the HTML), with
    the shared values each was published with written in, so that comparing them shows a value's change."""
    from .values import bodies_as_shown

    ids = [v.pk for v in versions if v is not None]
    return bodies_as_shown(
        EntryVersion.objects.filter(pk__in=ids).values_list("pk", "body", "approved_at", "entry__manual_id")
    )


def latest_edition(manual: Manual) -> Edition | None:
    return Edition.objects.filter(manual=manual).order_by("-released_at").first()


def parse_as_of(value: str) -> datetime:
    """A reader's ``?as_of=``: a date (the end of that day) or a full ISO datetime, not in the future.

    Raises ``ValidationError`` with a message naming what was wrong.
    """
    raw = (value or "").strip().replace(" ", "+")
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            when = timezone.make_aware(datetime.combine(day, time(23, 59, 59, 999999)))
        else:
            when = datetime.fromisoformat(raw)
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
    except ValueError:
        raise ValidationError(
            f"“{value}” is not a date. Use YYYY-MM-DD (for example 2026-03-01) or a full ISO date and time."
        ) from None
    if when > timezone.now() + timedelta(minutes=1):
        if len(raw) == 10 and when.date() == timezone.localdate():
            return timezone.now()
        raise ValidationError(f"{value} is in the future; the manual can only be shown as it stood in the past.")
    return when


def format_as_of(when: datetime) -> str:
    local = timezone.localtime(when)
    if (local.hour, local.minute, local.second) == (23, 59, 59):
        return date_format(local, "j F Y")
    return date_format(local, "j F Y, H:i")
