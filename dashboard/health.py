"""The manual's health check: what a sound customer service manual needs, checked against this one.

Each check is a function of the dashboard's ``Sources`` returning a ``Check``: passed or not, a plain-language
explanation of what was found and why it matters, and a link to where it is put right. The score weighs them
by severity (``HOW_SCORED`` says how, and the dashboard shows it). The checks read the same rows as the
dashboard, so running them costs no more than the queries already made there; on their own (for the header's
score) they cost two queries, the live entries and the feedback counts, and the acknowledgement report's four
only when no figures are kept for the manual yet (``sources.Sources.acks``: older ones are shown while the
worker counts them again).

The score in the header is cached (``health_summary``) for a few minutes under the manual's content stamp and
today's date: publishing, retiring or changing the manual's settings give a new stamp, a new day re-judges what
is overdue, and opening the dashboard stores a fresh one. Feedback and acknowledgements change the score within
``CACHE_SECONDS``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from policies.models import Channel, EntryKind, Manual

from .sources import COMPLAINT_DAYS, LiveEntry, Sources

CACHE_SECONDS = 300
ITEMS_SHOWN = 5  # entries named under a finding; the rest are counted


class Severity(IntEnum):
    """How much a failed check matters, and the points it is worth."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return {1: "Low", 2: "Medium", 3: "High"}[self.value]


HOW_SCORED = (
    "Each check is worth 3 points if its severity is high, 2 if medium and 1 if low. A check about many entries "
    "(owners, reviews, acknowledgements) earns its points in proportion to the entries that pass it. The score is "
    "the points earned out of all the points, as a number out of 100, rounded down: 100 means nothing to fix."
)


@dataclass(frozen=True)
class Item:
    """An entry, a channel or a complaint a finding is about, and where to put it right."""

    label: str
    url: str


@dataclass
class Check:
    key: str
    title: str  # what a sound manual has: "Every live entry has an owner"
    severity: Severity
    passed: bool
    explanation: str  # what was found, and why it matters
    fix_label: str = ""
    fix_url: str = ""
    items: list[Item] = field(default_factory=list)
    more: int = 0  # items not listed
    share: float = 0.0  # the share of its points a failed check still earns (the entries that pass it)

    @property
    def points(self) -> int:
        return int(self.severity)

    @property
    def earned(self) -> float:
        return self.points * (1.0 if self.passed else self.share)


@dataclass
class HealthReport:
    checks: list[Check]

    @property
    def score(self) -> int:
        possible = sum(c.points for c in self.checks)
        if not possible:
            return 100
        # Rounded down (with a little slack for floating point), and 100 only when every check passed.
        score = math.floor(100 * sum(c.earned for c in self.checks) / possible + 1e-9)
        return min(score, 99 if self.findings else 100)

    @property
    def findings(self) -> list[Check]:
        """Failed checks, the most severe first, then the ones losing most points."""
        failed = [c for c in self.checks if not c.passed]
        return sorted(failed, key=lambda c: (-c.severity, c.share, c.title))

    @property
    def passed(self) -> list[Check]:
        return [c for c in self.checks if c.passed]

    @property
    def summary(self) -> HealthSummary:
        findings = self.findings
        return HealthSummary(
            score=self.score, findings=len(findings), worst=int(findings[0].severity) if findings else 0
        )


@dataclass(frozen=True)
class HealthSummary:
    """What the header shows: the score, and how many findings and how severe the worst."""

    score: int
    findings: int
    worst: int  # a Severity value, 0 with no finding

    @property
    def tone(self) -> str:
        return "good" if self.score >= 90 else "fair" if self.score >= 70 else "poor"


# What the checks look for in the text -----------------------------------------------------------------------------

_MARKUP = re.compile(r"[*_`]")
TIME_LIMIT = re.compile(r"\b\d+\s*-?\s*(?:calendar\s+|working\s+|business\s+)?(?:days?|weeks?|months?)\b", re.I)
ESCALATION = re.compile(r"escalat", re.I)


def _plain(text: str) -> str:
    """Markdown emphasis and code marks taken out, so "**30** days" reads "30 days"."""
    return _MARKUP.sub("", text)


def time_limits_in(text: str) -> list[str]:
    """Time limits such as "30 days", "2 weeks" or "a 14-day window" in ``text``."""
    return TIME_LIMIT.findall(_plain(text))


def targets_of(entry: LiveEntry) -> list[dict]:
    """The measurable targets a service standard publishes: its structured targets, each a metric with a number
    and its unit (``policies.models.parts``), whatever its text says."""
    return entry.targets


def _mentions(word: str, *texts: str) -> bool:
    return any(word in t.casefold() for t in texts)


def is_refund_policy(entry: LiveEntry) -> bool:
    return entry.kind == EntryKind.POLICY and _mentions("refund", entry.title, entry.slug)


# The checks -------------------------------------------------------------------------------------------------------


class _Links:
    def __init__(self, manual: Manual):
        self.manual = manual

    def page(self, name: str, query: str = "", anchor: str = "") -> str:
        url = reverse(name, kwargs={"manual": self.manual.slug})
        return url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")

    def new(self, kind: str) -> str:
        return self.page("policies:entry_create", f"kind={kind}")

    def edit(self, entry: LiveEntry) -> str:
        return reverse("policies:entry_edit", kwargs={"manual": self.manual.slug, "entry": entry.slug})

    def targets(self, entry: LiveEntry) -> str:
        return reverse("policies:entry_targets", kwargs={"manual": self.manual.slug, "entry": entry.slug})

    def settings(self, anchor: str) -> str:
        return self.page("policies:manual_settings", anchor=anchor)


def _listed(things: list, item: Callable[[object], Item]) -> tuple[list[Item], int]:
    """The first ``ITEMS_SHOWN`` of ``things`` as items (their links made for those only), and how many more."""
    return [item(thing) for thing in things[:ITEMS_SHOWN]], max(len(things) - ITEMS_SHOWN, 0)


def check_statements(src: Sources, links: _Links) -> Check:
    missing = [name for name, text in (("mission", src.manual.mission), ("vision", src.manual.vision))
               if not text.strip()]  # fmt: skip
    what = " or ".join(f"{name} statement" for name in missing)
    return Check(
        key="statements", title="A mission and a vision statement", severity=Severity.MEDIUM, passed=not missing,
        explanation=(
            f"The manual has no {what}. They tell agents what the service is for, which is what they fall back on "
            "when no entry covers the case in front of them."
            if missing
            else "The manual opens with its mission and vision."
        ),
        fix_label="Write them in the manual's settings", fix_url=links.settings("id_mission"),
    )  # fmt: skip


def check_owners(src: Sources, links: _Links) -> Check:
    unowned = [e for e in src.live if not e.has_owner]
    items, more = _listed(unowned, lambda e: Item(e.title, links.edit(e)))
    n = len(unowned)
    return Check(
        key="owners", title="Every live entry has an owner", severity=Severity.HIGH, passed=not unowned,
        explanation=(
            f"{n:,} live {'entry has' if n == 1 else 'entries have'} no owner. Nobody is reminded to review "
            f"{'it' if n == 1 else 'them'}, and agents do not know whom to ask about {'it' if n == 1 else 'them'}."
            if unowned
            else "Every live entry names a person, a team or a role who answers for it."
        ),
        fix_label="Give it an owner" if n == 1 else "Give each an owner",
        fix_url=items[0].url if items else "", items=items, more=more,
        share=1 - n / len(src.live) if src.live else 1.0,
    )  # fmt: skip


def check_reviews(src: Sources, links: _Links) -> Check:
    overdue = [e for e in src.live if e.next_review_on and e.next_review_on < src.today]
    n = len(overdue)
    return Check(
        key="reviews", title="Reviews are up to date", severity=Severity.MEDIUM, passed=not overdue,
        explanation=(
            f"{n:,} {'entry is' if n == 1 else 'entries are'} past {'its' if n == 1 else 'their'} review date. "
            "Read each again, then revise it or record that it still stands, so agents can trust what they read."
            if overdue
            else "Every live entry has been published or reviewed within its review cycle."
        ),
        fix_label="Open the reviews page", fix_url=links.page("reviews:schedule"),
        share=1 - n / len(src.live) if src.live else 1.0,
    )  # fmt: skip


def check_channels_listed(src: Sources, links: _Links) -> Check:
    listed = bool(src.manual.channels)
    return Check(
        key="channels_listed", title="The channels customers use are listed", severity=Severity.LOW, passed=listed,
        explanation=(
            "The settings name the channels customers use to reach you."
            if listed
            else "The settings do not say how customers reach you (phone, email, chat...), so the health check cannot "
            "look for a protocol on each channel."
        ),
        fix_label="List them in the manual's settings", fix_url=links.settings("id_channels_0"),
    )  # fmt: skip


def check_channel_protocols(src: Sources, links: _Links) -> Check | None:
    if not src.manual.channels:
        return None  # nothing to check against: ``check_channels_listed`` says so
    covered = {c for e in src.live if e.kind == EntryKind.PROTOCOL for c in e.channels}
    labels = dict(Channel.choices)
    uncovered = [c for c in src.manual.channels if c not in covered]
    names = [labels.get(c, c) for c in uncovered]
    said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""
    return Check(
        key="channel_protocols", title="A protocol for every channel", severity=Severity.HIGH, passed=not uncovered,
        explanation=(
            f"No live protocol covers {'this channel' if len(names) == 1 else 'these channels'} customers use to "
            f"reach you: {said}. Agents there have no agreed way to greet, hold, hand over or close a conversation."
            if uncovered
            else "Each channel the organisation serves has a live protocol."
        ),
        fix_label="Write a protocol", fix_url=links.new(EntryKind.PROTOCOL),
        items=[Item(f"{name}: write its protocol", links.new(EntryKind.PROTOCOL)) for name in names],
    )  # fmt: skip


def check_refund_policy(src: Sources, links: _Links) -> Check:
    found = [e for e in src.live if is_refund_policy(e)]
    return Check(
        key="refund_policy", title="A refund policy", severity=Severity.HIGH, passed=bool(found),
        explanation=(
            f"“{found[0].title}” says when customers get their money back."
            if found
            else "No live policy is about refunds (none has “refund” in its title or address). Customers ask about "
            "refunds more than almost anything else, and every agent should give the same answer."
        ),
        fix_label="Write the refund policy", fix_url=links.new(EntryKind.POLICY),
    )  # fmt: skip


def check_refund_limit(src: Sources, links: _Links) -> Check | None:
    policies = [e for e in src.live if is_refund_policy(e)]
    if not policies:
        return None  # ``check_refund_policy`` has found it missing
    without = [e for e in policies if not time_limits_in(e.text)]
    items, more = _listed(without, lambda e: Item(e.title, links.edit(e)))
    return Check(
        key="refund_limit", title="The refund policy sets a time limit", severity=Severity.MEDIUM,
        passed=not without,
        explanation=(
            f"“{without[0].title}” gives no time limit, such as “within 30 days”. Without one, agents decide case "
            "by case and customers are treated differently."
            if without
            else "The refund policy says how long customers have, in days, weeks or months."
        ),
        fix_label="Add a time limit", fix_url=items[0].url if items else "", items=items if len(without) > 1 else [],
        more=more,
    )  # fmt: skip


def check_escalation(src: Sources, links: _Links) -> Check:
    found = [e for e in src.live if e.kind in (EntryKind.PROCEDURE, EntryKind.PROTOCOL) and ESCALATION.search(e.text)]
    return Check(
        key="escalation", title="An escalation path", severity=Severity.HIGH, passed=bool(found),
        explanation=(
            f"“{found[0].title}” says when and to whom a case is escalated."
            if found
            else "No live procedure or protocol mentions escalation. Agents need to know when to hand on a case they "
            "cannot resolve, and to whom."
        ),
        fix_label="Write an escalation procedure", fix_url=links.new(EntryKind.PROCEDURE),
    )  # fmt: skip


def check_feedback_procedure(src: Sources, links: _Links) -> Check:
    found = [e for e in src.live if e.kind == EntryKind.PROCEDURE and _mentions("feedback", e.title, e.slug, e.summary)]
    return Check(
        key="feedback_procedure", title="A procedure for collecting feedback", severity=Severity.MEDIUM,
        passed=bool(found),
        explanation=(
            f"“{found[0].title}” says how feedback is collected and passed on."
            if found
            else "No live procedure is about feedback (none has “feedback” in its title, address or summary). "
            "Without one, what customers tell agents is lost instead of improving the service."
        ),
        fix_label="Write a feedback procedure", fix_url=links.new(EntryKind.PROCEDURE),
    )  # fmt: skip


def check_standard_targets(src: Sources, links: _Links) -> Check:
    standards = [e for e in src.live if e.kind == EntryKind.STANDARD]
    measured = [e for e in standards if targets_of(e)]
    if measured:
        explanation = f"“{measured[0].title}” sets measurable targets."
    elif standards:
        explanation = (
            "No service standard has measurable targets: what is measured, a number and its unit, such as "
            "“first reply by email within 4 hours”. Targets say what good service is and let you check you give it."
        )
    else:
        explanation = (
            "The manual has no service standards. Standards with measurable targets (calls answered within "
            "30 seconds, replies within a working day) say what good service is."
        )
    if standards and not measured:
        items, more = _listed(standards, lambda e: Item(e.title, links.targets(e)))
        fix_label, fix_url = "Add targets to a standard", items[0].url
    else:
        items, more = [], 0
        fix_label, fix_url = "Write a service standard", links.new(EntryKind.STANDARD)
    return Check(
        key="standard_targets", title="Service standards with measurable targets", severity=Severity.MEDIUM,
        passed=bool(measured), explanation=explanation, fix_label=fix_label, fix_url=fix_url, items=items,
        more=more,
    )  # fmt: skip


def check_acknowledgements(src: Sources, links: _Links) -> Check:
    asking = src.acks.entries
    late = [row for row in asking if row.overdue]
    people = sum(row.overdue for row in late)
    items, more = _listed(
        sorted(late, key=lambda r: -r.overdue),
        lambda row: Item(f"{row.title}: {row.overdue:,} overdue",
                         links.page("acknowledgements:ack_report", f"view=people&entry={row.slug}&state=overdue")),
    )  # fmt: skip
    n = len(late)
    return Check(
        key="acknowledgements", title="Changes are acknowledged on time", severity=Severity.MEDIUM, passed=not late,
        explanation=(
            f"Part of the audience of {n:,} {'entry' if n == 1 else 'entries'} has not acknowledged the latest "
            f"material change after its due date ({people:,} acknowledgement{'' if people == 1 else 's'} overdue). "
            "Until they do, you cannot be sure they work to the current text."
            if late
            else "Everyone asked to acknowledge a change has done so, or still has time."
        ),
        fix_label="See who is overdue", fix_url=links.page("acknowledgements:ack_report", "view=people&state=overdue"),
        items=items, more=more, share=1 - n / len(asking) if asking else 1.0,
    )  # fmt: skip


def check_complaints(src: Sources, links: _Links) -> Check:
    counts = src.feedback_counts
    n = counts.old_complaints
    return Check(
        key="complaints", title=f"Complaints answered within {COMPLAINT_DAYS} days", severity=Severity.HIGH,
        passed=not n,
        explanation=(
            f"{n:,} complaint{' is' if n == 1 else 's are'} still open more than {COMPLAINT_DAYS} days after "
            f"{'it was' if n == 1 else 'they were'} received (the oldest on "
            f"{date_format(counts.oldest_complaint, 'j F Y')}). A complaint left waiting is a customer lost."
            if n
            else f"No complaint has waited more than {COMPLAINT_DAYS} days for an answer."
        ),
        fix_label="Open the complaints",
        fix_url=links.page("feedback:board", f"source=complaint&age={COMPLAINT_DAYS}"),
    )  # fmt: skip


CHECKS: tuple[Callable[[Sources, _Links], Check | None], ...] = (
    check_statements, check_owners, check_reviews, check_channels_listed, check_channel_protocols,
    check_refund_policy, check_refund_limit, check_escalation, check_feedback_procedure, check_standard_targets,
    check_acknowledgements, check_complaints,
)  # fmt: skip


def health_check(manual: Manual, *, sources: Sources | None = None) -> HealthReport:
    """Every check of ``manual`` (those that do not apply left out). Reuses what ``sources`` has read."""
    src = sources or Sources(manual)
    links = _Links(manual)
    return HealthReport(checks=[c for c in (check(src, links) for check in CHECKS) if c is not None])


# The header's score -------------------------------------------------------------------------------------------------


def _cache_key(manual: Manual, today: date) -> str:
    return f"dashboard:health:{manual.pk}:{manual.content_changed_at.timestamp()}:{today.isoformat()}"


def health_remember(manual: Manual, report: HealthReport, *, today: date | None = None) -> HealthSummary:
    """Keep ``report``'s score for the header, and return it."""
    summary = report.summary
    cache.set(_cache_key(manual, today or timezone.localdate()), summary, CACHE_SECONDS)
    return summary


def health_summary(manual: Manual) -> HealthSummary:
    """The score for the header: from the cache (no query), else worked out and kept for ``CACHE_SECONDS``."""
    today = timezone.localdate()
    summary = cache.get(_cache_key(manual, today))
    if summary is None:
        summary = health_remember(manual, health_check(manual, sources=Sources(manual, today=today)), today=today)
    return summary
