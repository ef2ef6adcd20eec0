"""Reads. Every page asks for what it shows here, in a fixed number of queries whatever the manual's size."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
from .permissions import can_manage, can_read_manual
from .rendering.markdown import resolve_entry_links
from .values import bodies_as_shown


@dataclass(frozen=True)
class PageVersion:
    """A published version as one page of a view of the manual (live, as of a date, or an edition): its entry's
    slug and page address in that view, and its text with the links between entries resolved for that view
    (``html``, filled by ``ManualSnapshot.with_html``; empty until then, and where the page shows titles only)."""

    version: EntryVersion
    entry_slug: str
    url: str
    html: str = ""


@dataclass(frozen=True)
class SectionView:
    """A section of a view of the manual with its pages in reading order. ``intro_html`` is the section's
    introduction, its links resolved for the view once ``ManualSnapshot.with_html`` has run."""

    section: Section
    pages: tuple[PageVersion, ...] = ()
    intro_html: str = ""

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def slug(self) -> str:
        return self.section.slug


@dataclass(frozen=True)
class ManualSnapshot:
    """What readers see of a manual: its published entries, grouped by section in reading order.

    Each page (``PageVersion``) carries its entry's slug and page address; ``with_html`` returns the snapshot
    with the stored links between entries resolved for the page or the document it is shown in, in the
    manual's statements (``mission_html``, ``vision_html``), the section intros and (with ``bodies``) every
    version's text.
    """

    manual: Manual
    sections: tuple[SectionView, ...]
    made_at: datetime
    as_of: datetime | None = None
    version_label: str = ""
    edition: Edition | None = None
    home_url: str = ""
    pdf_url: str = ""
    print_url: str = ""
    mission_html: str = ""
    vision_html: str = ""

    @property
    def is_past(self) -> bool:
        return self.as_of is not None or self.edition is not None

    @property
    def pages(self) -> list[PageVersion]:
        return [page for section in self.sections for page in section.pages]

    @property
    def entries(self) -> list[EntryVersion]:
        """The published versions, in reading order."""
        return [page.version for page in self.pages]

    @property
    def entry_count(self) -> int:
        return sum(len(section.pages) for section in self.sections)

    @property
    def last_published_at(self) -> datetime | None:
        return max((v.approved_at for v in self.entries), default=None)

    def page_urls(self) -> dict[int | str, str]:
        """Each entry's page, by entry id and by slug (the two ways stored links name an entry)."""
        urls: dict[int | str, str] = {p.version.entry_id: p.url for p in self.pages}
        urls.update({p.entry_slug: p.url for p in self.pages})
        return urls

    def anchor_urls(self) -> dict[int | str, str]:
        """Each entry's anchor in the one-page document, by entry id and by slug."""
        urls: dict[int | str, str] = {p.version.entry_id: f"#entry-{p.entry_slug}" for p in self.pages}
        urls.update({p.entry_slug: f"#entry-{p.entry_slug}" for p in self.pages})
        return urls

    def with_html(self, urls: dict[int | str, str], *, bodies: bool = True) -> ManualSnapshot:
        """The snapshot with the links between entries resolved to ``urls``: in the manual's statements and
        section intros, and (with ``bodies``) in every page's text."""

        def resolved(page: PageVersion) -> PageVersion:
            return replace(page, html=resolve_entry_links(page.version.body_html, urls)) if bodies else page

        sections = tuple(
            replace(view, intro_html=resolve_entry_links(view.section.intro_html, urls),
                    pages=tuple(resolved(page) for page in view.pages))
            for view in self.sections
        )  # fmt: skip
        return replace(
            self,
            sections=sections,
            mission_html=resolve_entry_links(self.manual.mission_html, urls),
            vision_html=resolve_entry_links(self.manual.vision_html, urls),
        )


def manual_list(user) -> list[Manual]:
    """The manuals ``user`` may see (a manual still closed to readers only for managers), each with
    ``live_count``, the entries readers see."""
    manuals = Manual.objects.annotate(
        live_count=Count("entries", filter=Q(entries__live_version__isnull=False, entries__retired_at__isnull=True))
    ).order_by("title")
    if not can_manage(user):
        manuals = manuals.filter(opened_at__isnull=False)
    return list(manuals)


def manual_get(slug: str, *, user) -> Manual:
    """The manual at ``slug`` as ``user`` may see it: a 404 for one that does not exist, and for a reader, one that
    a manager has not opened yet."""
    try:
        manual = Manual.objects.get(slug=slug)
    except Manual.DoesNotExist:
        raise Http404("No such manual.") from None
    if not can_read_manual(user, manual):
        raise Http404("This manual is not open to readers yet.")
    return manual


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


def _group(
    manual, sections, versions, *, entries=None, query: str = "", as_of: datetime | None = None
) -> ManualSnapshot:
    """Group versions under sections in reading order.

    An entry's section, order and slug come from ``entries`` (entry id -> the entry as it was then, for a past
    view) or else from the entry itself. ``query`` is appended to every URL (``?as_of=...`` for a past view).
    """
    base = reverse("policies:manual_home", kwargs={"manual": manual.slug})
    placed_by_section: dict[int, list[tuple[tuple[int, int], PageVersion]]] = {s.pk: [] for s in sections}
    for version in versions:
        placed = entries[version.entry_id] if entries is not None else version.entry
        page = PageVersion(version=version, entry_slug=placed.slug, url=f"{base}{placed.slug}/{query}")
        if placed.section_id in placed_by_section:
            placed_by_section[placed.section_id].append(((placed.order, version.entry_id), page))
    views = tuple(
        SectionView(section=s, intro_html=s.intro_html,
                    pages=tuple(page for _key, page in sorted(placed_by_section[s.pk], key=lambda kp: kp[0])))
        for s in sections
    )  # fmt: skip
    return ManualSnapshot(
        manual=manual,
        sections=views,
        made_at=timezone.now(),
        as_of=as_of,
        home_url=f"{base}{query}",
        print_url=reverse("policies:manual_print", kwargs={"manual": manual.slug}) + query,
        pdf_url=reverse("policies:manual_pdf", kwargs={"manual": manual.slug}) + query,
        mission_html=manual.mission_html,
        vision_html=manual.vision_html,
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


def _makes_version_public(record, previous) -> bool:
    """Whether the entry's history row ``record`` (``previous`` the row before it, or None) is a publication: it
    made a version live or scheduled that neither was before. A scheduled version taking effect is not one."""
    before = {previous.live_version_id, previous.scheduled_version_id} if previous is not None else set()
    now = {record.live_version_id, record.scheduled_version_id} - {None}
    return bool(now - before)


def _is_contributed(record, previous, contributed: list[TimelineEvent]) -> bool:
    """Whether the entry's history row ``record`` is one an app above shows as its own event (a review with no
    change): made by that event's person just after it, changing nothing but the next review date."""
    if previous is None or not any(getattr(event.who, "pk", None) == record.history_user_id and
                                   timedelta(0) <= record.history_date - event.at < timedelta(minutes=1)
                                   for event in contributed):  # fmt: skip
        return False
    return set(record.diff_against(previous).changed_fields) <= {"next_review_on"}


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
    contributed = [event for events_of_one in contributions.timeline.collect(entry=entry) for event in events_of_one]
    previous = None
    changes = []
    for record in entry.history.select_related("history_user").order_by("history_date", "history_id"):
        # A publication is shown as the version; a row an app above records itself (a review) as its own event.
        if not _makes_version_public(record, previous) and not _is_contributed(record, previous, contributed):
            what = record.history_change_reason or "Changed"
            changes.append(TimelineEvent(at=record.history_date, who=record.history_user, what=what,
                                         status=record.status))  # fmt: skip
        previous = record
    events += reversed(changes)
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
    return _group(then_manual, sections, versions, entries=entries, query=f"?as_of={_as_of_param(when)}", as_of=when)


def _as_of_param(when: datetime) -> str:
    local = timezone.localtime(when)
    return local.isoformat(timespec="seconds").replace("+", "%2B")


def entry_as_of(snapshot: ManualSnapshot, slug: str) -> EntryVersion:
    """An entry of a past view, found by its slug at that time; 404 if readers could not see it then."""
    for page in snapshot.pages:
        if page.entry_slug == slug:
            return page.version
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
    pages: dict[int, list[PageVersion]] = {s.pk: [] for s in sections}
    for item in edition.items.select_related("version").order_by("edition_section__order", "order"):
        pages[item.edition_section_id].append(PageVersion(version=item.version, entry_slug=item.slug,
                                                          url=f"{base}{item.slug}/"))  # fmt: skip
    views = tuple(
        SectionView(section=Section(pk=s.section_id, title=s.title, slug=s.slug, intro_html=s.intro_html),
                    pages=tuple(pages[s.pk]), intro_html=s.intro_html)
        for s in sections
    )  # fmt: skip
    return ManualSnapshot(
        manual=front,
        sections=views,
        made_at=timezone.now(),
        version_label=f"Edition {edition.label}, released {_day(edition.released_at)}",
        edition=edition,
        home_url=base,
        print_url=f"{base}print/",
        pdf_url=reverse("policies:edition_pdf", kwargs={"manual": manual.slug, "edition": edition.label}),
        mission_html=front.mission_html,
        vision_html=front.vision_html,
    )


@dataclass
class EntryChange:
    kind: str  # "new", "revised" or "retired"
    title: str
    slug: str
    before: EntryVersion | None
    after: EntryVersion | None
    summaries: list[str] = field(default_factory=list)
    # The text's change as readers see it (``diffing.rendered_diff``), where the page shows one (the comparison page).
    rendered: list = field(default_factory=list)


def snapshot_changes(
    before: ManualSnapshot | None, after: ManualSnapshot, *, summaries: bool = True
) -> list[EntryChange]:
    """What changed from one view of the manual to another: entries added, revised and retired.

    With ``summaries``, each revised or new entry lists the change summaries of the versions in between
    (one query).
    """
    old = {p.version.entry_id: p for p in (before.pages if before else [])}
    new = {p.version.entry_id: p for p in after.pages}
    changes: list[EntryChange] = []
    for entry_id, page in new.items():
        version, previous = page.version, old.get(entry_id)
        if previous is None:
            changes.append(EntryChange("new", version.title, page.entry_slug, None, version))
        elif previous.version.pk != version.pk:
            changes.append(EntryChange("revised", version.title, page.entry_slug, previous.version, version))
    for entry_id, page in old.items():
        if entry_id not in new:
            changes.append(EntryChange("retired", page.version.title, page.entry_slug, page.version, None))
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
