"""A year in the life of the Northwind demo manual, played out through the services on a simulated clock.

``manual/`` holds the manual as it reads today and ``retired/`` the entry the story retires. The story undoes
the passages its revisions changed, publishes that first text in three batches about a year ago, then replays
the year: revisions written by one person and approved by another (one sent back once), a retirement, two
editions, and a draft left in review. Each step runs at its own moment under ``time_machine``, so every
timestamp (history rows, versions, approvals, editions) is the story's. Dates count back from the day of
loading, on weekdays in office hours: a past view three months back always shows a manual that differs from
today's, with the retired entry still in it.

Every step calls the service a person in the app would use; nothing writes a model field directly.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from acknowledgements.models import Acknowledgement
from acknowledgements.obligations import states_for
from acknowledgements.reminders import ack_reminders_queue
from acknowledgements.services import entry_acknowledge
from feedback.models import FeedbackItem
from feedback.services import feedback_close_with_version, feedback_record, feedback_send
from notifications.models import Notification, NotificationKind
from notifications.services import notification_preference_save, notifications_skip_email
from people.models import NotifyBy, Team
from policies import events, services
from policies.importexport import ManualImportError, ManualPlan, manual_import_plan, read_manual_folder
from policies.models import (
    Edition,
    Entry,
    EntryStatus,
    EntryVersion,
    Manual,
    Section,
    SharedValue,
    SharedValueVersion,
    StoredPDF,
)
from search.models import SearchOutcome
from search.services import search_log_record

HERE = Path(__file__).resolve().parent
DEMO_FOLDER = HERE / "manual"
RETIRED_FOLDER = HERE / "retired"
DEMO_MANUAL_SLUG = "northwind"
LAUNCH_SOURCE = "the launch drafts"


class DemoError(Exception):
    """The demo cannot be loaded or reset: a refusal, or files and story that no longer agree."""


def refuse_in_production(*, force: bool) -> None:
    """The demo creates users whose passwords are published in the code: refuse with DEBUG off unless forced."""
    if not settings.DEBUG and not force:
        raise DemoError(
            "DEBUG is off, so this looks like a production site. The demo creates users whose passwords are "
            "published in the code; run it with --force only if you really mean to."
        )


# The people ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    group: str | None  # None for the superuser; the groups are made by migration 0002
    name: str
    role: str

    @property
    def password(self) -> str:
        return demo_password(self.username)


def demo_password(username: str) -> str:
    return f"demo-{username}-2026"


DEMO_USERS = (
    DemoUser("admin", None, "", "administrator (superuser)"),
    DemoUser("manager", "Managers", "Morgan Reid", "manager: reviews, publishes, releases editions"),
    DemoUser("dana", "Managers", "Dana Osei", "manager: reviews, publishes, retires entries"),
    DemoUser("editor", "Editors", "Eli Brooks", "editor: drafts and submits for review"),
    DemoUser("omar", "Editors", "Omar Haddad", "editor: drafts and submits for review"),
    DemoUser("agent", "Agents", "Ava Lind", "agent: phone and chat support"),
    DemoUser("sam", "Agents", "Sam Ortiz", "agent: store staff"),
)
# The teams each agent works in (the teams themselves come with the demo folder's manual.yml).
DEMO_TEAMS = {"agent": ("phone-support", "chat-support"), "sam": ("store-staff",)}


# The story -----------------------------------------------------------------------------------------------------
# ``days_ago`` says roughly when a step happened, in calendar days before the day of loading. The schedule turns
# it into working days (Monday to Friday) before that day and gives every step working days of its own, in the
# order listed, so the story keeps its order whatever the day, month or time zone it is loaded in.


@dataclass(frozen=True)
class Edit:
    """One passage of an entry: as it read before the revision, and as it reads after (and in the folder)."""

    before: str
    after: str


@dataclass(frozen=True)
class TargetEdit:
    """One measurable target of a standard, named by its metric: the fields the revision changed, before and
    after (and in the folder)."""

    metric: str
    before: dict
    after: dict


@dataclass(frozen=True)
class Search:
    """A reader searches the manual and finds nothing, or (with ``slug``) says a result did not help."""

    days_ago: int
    by: str
    query: str
    slug: str = ""


@dataclass(frozen=True)
class Launch:
    """A manager imports the first text of some sections, publishing it: how the manual was set up."""

    days_ago: int
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """The agents read the manual and acknowledge everything that applies to them and awaits them."""

    days_ago: int
    usernames: tuple[str, ...]


@dataclass(frozen=True)
class Revision:
    """An author drafts a change and submits it with a note; the next working day another person approves it.

    With ``sent_back`` the reviewer first asks for changes, and the last edit is the author's answer.
    ``fields`` are other fields the revision changed: name -> (before, after).
    """

    days_ago: int
    slug: str
    author: str
    approver: str
    note: str
    summary: str
    material: bool
    edits: tuple[Edit, ...]
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)
    sent_back: str = ""
    target_edits: tuple[TargetEdit, ...] = ()
    answers: tuple[str, ...] = ()  # keys of the Feedback the approver says this version answers


@dataclass(frozen=True)
class Feedback:
    """A reader's suggestion sent from an entry page (``by`` an agent or editor), or customer feedback a manager
    records. ``key`` names it for the revision that answers it; ``slug`` empty means it is about no entry yet."""

    days_ago: int
    key: str
    by: str
    source: str
    text: str
    slug: str = ""
    channel: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Release:
    """A manager releases the live manual as the next edition, with the generated notes under an introduction."""

    days_ago: int
    by: str
    introduction: str


@dataclass(frozen=True)
class Retirement:
    days_ago: int
    slug: str
    by: str
    reason: str


@dataclass(frozen=True)
class Proposal:
    """An author drafts an addition and submits it the next working day; nobody has reviewed it yet."""

    days_ago: int
    slug: str
    author: str
    addition: str
    note: str


@dataclass(frozen=True)
class ValueChange:
    """A manager proposes a new text for a shared value and submits it; the next working day another manager
    approves it, which publishes every entry that uses the value under one change summary."""

    days_ago: int
    name: str
    before: str
    after: str
    author: str
    approver: str
    reason: str
    material: bool


PHONE_BUSY_PERIODS = """

## Busy periods

When more than ten callers are waiting, the phone system offers a call back instead of holding. Call backs are
made in the order they were asked for, within two hours during opening hours.

> "Hi, it's [your name] from Northwind Outfitters, returning your call. Thanks for bearing with us today."
"""

STORY = (
    Launch(357, ("foundations", "policies")),
    Launch(350, ("procedures", "channel-protocols")),
    Launch(343, ("service-standards", "training-and-quality")),
    Reading(336, ("agent", "sam", "manager", "dana", "editor", "omar")),
    Feedback(
        333, "no-problem", by="sam", source="employee", slug="how-we-speak",
        text="Shoppers often apologise for taking up our time and we answer \"no problem\". It sounds as if "
        "there might have been one. Could the manual suggest a better answer?",
    ),
    Revision(
        326, "how-we-speak", author="editor", approver="dana", material=False, answers=("no-problem",),
        note="Quality reviews keep hearing 'no problem' in answer to an apology. Suggesting a better phrase.",
        summary="Added \"No problem\" after an apology to the words we avoid: thank the customer for their "
        "patience instead.",
        edits=(Edit(
            '| "Calm down." | "I can see this has been frustrating." |\n',
            '| "Calm down." | "I can see this has been frustrating." |\n'
            '| "No problem." (after an apology) | "Thank you for your patience." |\n',
        ),),
    ),
    Revision(
        298, "response-times", author="dana", approver="manager", material=True,
        note="The social media tool now alerts us to every mention, so we can answer in an hour and report daily.",
        summary="Public mentions on social media are answered within 1 hour instead of 2, and checked daily "
        "rather than weekly.",
        edits=(Edit(
            "| Social media | Public mentions answered within 2 hours | Social media tool, weekly |",
            "| Social media | Public mentions answered within 1 hour | Social media tool, daily |",
        ),),
        target_edits=(TargetEdit("Public mentions answered", {"value": "2", "unit": "hours"},
                                 {"value": "1", "unit": "hour"}),),
    ),
    Revision(
        270, "chat-protocol", author="omar", approver="manager", material=True,
        note="Text messages now arrive in the chat tool. Added them to the protocol, with how long to keep a "
        "text conversation open.",
        summary="Covers text messages, which now reach the chat tool: same protocol, but keep the case open for "
        "48 hours after your last message.",
        fields={
            "title": ("Live chat protocol", "Live chat and messaging protocol"),
            "summary": (
                "Live chat on the website, including how many chats to take at once and when to switch channel.",
                "Live chat on the website and text messages, including how many chats to take at once and when "
                "to switch channel.",
            ),
        },
        edits=(Edit(
            "how to reach us\nagain.",
            "how to reach us\nagain.\n\n> [!NOTE]\n> Text message conversations follow the same protocol, but "
            "customers may answer hours later. Keep the case\n> open for 48 hours after your last message before "
            "closing it.",
        ),),
    ),
    Release(
        240, by="manager",
        introduction="The first edition of the manual: every entry as launched, with the first revisions. Team "
        "leads use it for induction training and for the annual audit.",
    ),
    Revision(
        205, "email-protocol", author="omar", approver="manager", material=False,
        note="The example sign-off still used our old team name.",
        summary="The example sign-off uses \"Best wishes\" and the team's name, Northwind Customer Care.",
        edits=(Edit(
            '   Kind regards, Tom, Customer Services".',
            '   Best wishes, Tom, Northwind Customer Care".',
        ),),
    ),
    Feedback(
        191, "slow-repairs", by="manager", source="survey", channel="email", slug="gear-guarantee",
        text="After-repair survey: \"Four weeks without my tent in the middle of summer, and nobody told me how "
        "the repair was going.\"",
    ),
    Revision(
        180, "gear-guarantee", author="editor", approver="dana", material=True, answers=("slow-repairs",),
        note="The repairs team is now staffed to turn repairs round in three weeks and assessments in five "
        "working days.",
        summary="A repair that would take longer than three weeks (was four) is replaced or refunded instead; "
        "assessments take up to five working days (was ten); customers hear from us weekly while a claim is open.",
        sent_back="Good news for customers. While a claim is open, how often do we update the customer? Please "
        "add it to the steps.",
        edits=(
            Edit("would take longer than **four weeks**", "would take longer than **three weeks**"),
            Edit(
                "assessment, which takes up to ten working days.",
                "assessment, which takes up to five working days.",
            ),
            Edit(
                "tell them when to expect news.",
                "tell them when to expect news.\n4. Update the customer at least once a week until the claim is "
                "closed.",
            ),
        ),
    ),
    Revision(
        158, "new-hire-training", author="omar", approver="dana", material=False,
        note="New colleagues asked what the sign-off meeting is for.",
        summary="Says what the week 4 sign-off meeting decides: that you are ready, or what more support you need.",
        edits=(Edit(
            "- Sign-off meeting with your team lead and the training lead.",
            "- Sign-off meeting: you, your team lead and the training lead agree that you are ready, or plan more "
            "support.",
        ),),
    ),
    Reading(145, ("agent", "manager", "dana")),
    Feedback(
        140, "slow-acknowledgement", by="dana", source="complaint", channel="social", slug="handling-complaints",
        reference="CASE-2291",
        text="A customer posted that their emailed complaint sat for two days without even an acknowledgement.",
    ),
    Revision(
        131, "handling-complaints", author="dana", approver="manager", material=True,
        answers=("slow-acknowledgement",),
        note="Customers who complain by chat or social media expect to hear back sooner than by letter.",
        summary="Complaints are acknowledged within one working day instead of two, on the channel the customer "
        "used.",
        edits=(Edit(
            "- **Acknowledge** within two working days.",
            "- **Acknowledge** within one working day, on the channel the customer used.",
        ),),
    ),
    Revision(
        112, "customer-privacy", author="omar", approver="manager", material=True,
        note="After the data protection training: say why a suspected breach must be reported the same day.",
        summary="Explains why a suspected data breach is reported the same day: the law may require us to act "
        "within 72 hours.",
        edits=(Edit(
            "**the same day**.\n",
            "**the same day**. We may have a legal duty to\n> act within 72 hours.\n",
        ),),
    ),
    Search(80, "agent", "loyalty points"),
    Revision(
        79, "goodwill-gestures", author="omar", approver="dana", material=True,
        note="With everyday low prices we stop matching competitors. A drop in our own price stays covered, "
        "as a gesture any agent can make.",
        summary="Any agent can refund the difference when our own price drops within 14 days of purchase. This "
        "replaces the price match promise, which is withdrawn.",
        edits=(Edit(
            "| Upgrade to next-day delivery | Any agent |\n",
            "| Upgrade to next-day delivery | Any agent |\n"
            "| Refund of the difference if our price drops within 14 days of purchase | Any agent |\n",
        ),),
    ),
    ValueChange(
        75, "card_refund_time", before="5 to 7 working days", after="3 to 5 working days", author="dana",
        approver="manager", material=False,
        reason="Our new card payment provider sends refunds back sooner; customers were told to wait too long.",
    ),
    Retirement(
        70, "price-match-promise", by="dana",
        reason="We no longer match competitors' prices since the move to everyday low prices. A drop in our own "
        "price within 14 days of purchase is refunded as a goodwill gesture.",
    ),
    Search(64, "sam", "click and collect"),
    Revision(
        61, "response-times", author="editor", approver="dana", material=True,
        note="We have met the email target in under a day for six months running; time to promise it.",
        summary="Email target tightened: 90% of emails answered within 8 working hours, down from one working day.",
        edits=(Edit(
            "| Email | 90% answered within 1 working day | Email tool, daily |",
            "| Email | 90% answered within 8 working hours | Email tool, daily |",
        ),),
        target_edits=(TargetEdit("Emails answered", {"value": "1", "unit": "working day"},
                                 {"value": "8", "unit": "working hours"}),),
    ),
    Search(57, "agent", "price match"),
    Feedback(
        55, "held-too-long", by="dana", source="complaint", channel="phone", slug="phone-protocol",
        reference="CASE-3310",
        text="During the autumn sale a caller waited 25 minutes on hold and then gave up. They want to know why "
        "nobody offered to call them back.",
    ),
    Feedback(
        48, "holiday-gift", by="manager", source="complaint", channel="in-person", slug="refund-policy",
        reference="STORE-0192",
        text="A customer could not return a present in January because it had been bought in early December. "
        "The gift receipt did not help.",
    ),
    Release(
        42, by="dana",
        introduction="The second edition, ready for the seasonal colleagues who start before the holidays. The "
        "price match promise is withdrawn; several targets are tighter.",
    ),
    Revision(
        30, "refund-policy", author="editor", approver="manager", material=True, answers=("holiday-gift",),
        note="Lengthens the return window for holiday gifts, as agreed with the returns team.",
        summary="Added the holiday returns extension: items bought between 15 November and 24 December can be "
        "returned until 31 January.",
        edits=(Edit(
            "- **After {{ refund_window }}**",
            "- **Holiday purchases** made between 15 November and 24 December may be returned until 31 January.\n"
            "- **After {{ refund_window }}**",
        ),),
    ),
    Search(26, "sam", "click and collect"),
    Search(24, "agent", "gift card balance"),
    Feedback(
        21, "delivery-charge", by="agent", source="employee",
        text="Chat customers keep asking whether we refund the delivery charge when they return an order. I "
        "could not find the answer in the manual.",
    ),
    Search(18, "agent", "loyalty points"),
    Revision(
        16, "social-media-protocol", author="dana", approver="manager", material=False,
        note="A reminder the feedback procedure already gives, repeated where agents answer reviews.",
        summary="Added a reminder that we never offer anything in exchange for changing a review.",
        edits=(Edit(
            "with an apology and an invitation to contact us.",
            "with an apology and an invitation to contact us. Never offer anything in exchange for changing a "
            "review.",
        ),),
    ),
    Search(14, "sam", "warranty claim form"),
    Search(13, "agent", "refund to a different card", slug="refund-policy"),
    Feedback(
        12, "silence-after-reply", by="manager", source="survey", channel="email", slug="response-times",
        text="Survey comment: \"A quick first answer, then three days of silence while you checked with the "
        "warehouse.\"",
    ),
    Feedback(
        9, "closing-macro", by="agent", source="employee", slug="chat-protocol",
        text="The closing message in the chat protocol is longer than the chat tool allows for a macro. Could "
        "there be a shorter version?",
    ),
    Search(8, "sam", "loyalty points"),
    Search(7, "agent", "gift card balance"),
    Proposal(
        6, "phone-protocol", author="editor", addition=PHONE_BUSY_PERIODS,
        note="Adds call backs when more than ten callers are waiting, so nobody holds for long in busy periods.",
    ),
)  # fmt: skip
REVISIONS = [step for step in STORY if isinstance(step, Revision)]
VALUE_CHANGES = [step for step in STORY if isinstance(step, ValueChange)]


# Loading -------------------------------------------------------------------------------------------------------


@dataclass
class DemoLoad:
    """What loading the demo did, for the command to report."""

    manual: Manual
    users_created: list[str]
    launched: tuple[date, date]
    revisions: int
    authors: int
    approvers: int
    retired: list[tuple[str, date]]
    editions: list[Edition]
    in_review: list[str]


def demo_manual() -> Manual | None:
    return Manual.objects.filter(slug=DEMO_MANUAL_SLUG).first()


@transaction.atomic
def demo_load(*, today: date | None = None) -> DemoLoad:
    """Create the demo users (those missing) and play the demo's year up to ``today``. Only for a database
    without the demo manual: the caller checks ``demo_manual()`` first."""
    today = today or timezone.localdate()
    try:
        plan = read_manual_folder(DEMO_FOLDER)
        retired = read_manual_folder(RETIRED_FOLDER)
    except ManualImportError as exc:
        raise DemoError(f"The demo manual cannot be read: {exc}") from None
    if plan.slug != DEMO_MANUAL_SLUG or retired.slug != DEMO_MANUAL_SLUG:
        raise DemoError(f"The demo folders must describe the manual '{DEMO_MANUAL_SLUG}'.")
    if demo_manual() is not None:
        raise DemoError(f"The manual '{DEMO_MANUAL_SLUG}' exists already; reset_demo deletes it first.")

    story = _Story(plan, retired, today=today)
    with story.at(story.working_day(FIRST_DAY_BACK), 9, 0):
        users, created = _demo_users()
    story.users = users
    for username in (demo.username for demo in DEMO_USERS):
        # Each notification by email, as people get them by default: with debug on, the emails are printed where
        # `make run` runs, so trying the app shows what people would receive.
        notification_preference_save(user=users[username], notify_by=NotifyBy.IMMEDIATE, changed_by=users[username])
    for step in STORY:
        # The story is history: nobody is told today about changes made months ago. Only the draft in review
        # now tells the managers, as it would have.
        with nullcontext() if isinstance(step, Proposal) else events.muted():
            story.play(step)
    story.check_ends_at(plan)
    ack_reminders_queue()  # acknowledgements overdue or due soon, and the managers' weekly summary
    # What the story made (a year of acknowledgements overdue, feedback answered months ago) stays in the app,
    # unemailed. Emails go out only for what concerns today: the managers' summary of who is late, and (once
    # this commits) the draft in review.
    notifications_skip_email(users=list(users.values()), except_kinds=[NotificationKind.MANAGER_DIGEST])

    manual = demo_manual()
    launches = [story.day(step) for step in STORY if isinstance(step, Launch)]
    return DemoLoad(
        manual=manual,
        users_created=created,
        launched=(launches[0], launches[-1]),
        revisions=len(REVISIONS),
        authors=len({r.author for r in REVISIONS}),
        approvers=len({r.approver for r in REVISIONS}),
        retired=[
            (e.title, timezone.localdate(e.retired_at))
            for e in Entry.objects.filter(manual=manual, status=EntryStatus.RETIRED).order_by("retired_at")
        ],
        editions=list(Edition.objects.filter(manual=manual).order_by("released_at")),
        in_review=list(
            Entry.objects.filter(manual=manual, status=EntryStatus.IN_REVIEW).values_list("title", flat=True)
        ),
    )


def _demo_users() -> tuple[dict, list[str]]:
    """The demo users by username, creating those missing. Users that exist keep their password and name."""
    User = get_user_model()
    users, created = {}, []
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            first, _, last = demo.name.partition(" ")
            extra = {"first_name": first, "last_name": last}
            email = f"{demo.username}@example.com"
            if demo.group is None:
                user = User.objects.create_superuser(demo.username, email, demo.password, **extra)
            else:
                user = User.objects.create_user(demo.username, email, demo.password, **extra)
            created.append(demo.username)
        if demo.group is not None:
            group = Group.objects.filter(name=demo.group).first()
            if group is None:
                raise DemoError(f"The group '{demo.group}' is missing: run 'manage.py migrate' first.")
            user.groups.add(group)
            user = User.objects.get(pk=user.pk)  # forget cached permissions
        users[demo.username] = user
    return users, created


def _weekday(day: date) -> date:
    """The day itself, or the Friday before it if it falls on a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def working_days_back(today: date, count: int) -> date:
    """The working day ``count`` working days before ``today`` (1 is the last working day before it)."""
    day = today
    for _ in range(count):
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    return day


def _working_days_taken(step) -> int:
    """How many working days a step spans: a review is approved the next working day (after one more round if
    the reviewer sends it back), a proposal is submitted the next working day."""
    if isinstance(step, Revision):
        return 3 if step.sent_back else 2
    if isinstance(step, ValueChange | Proposal):
        return 2
    return 1


def story_schedule() -> list[int]:
    """Each step's first day, in working days before the day of loading: near its ``days_ago`` (five working
    days a week), and after the last day the step above it takes. It does not depend on the day of loading, so
    a story that fits once fits on every day."""
    starts, free = [], None  # ``free``: the latest working day the next step may start on
    for step in STORY:
        start = max(1, round(step.days_ago * 5 / 7))
        if free is not None:
            start = min(start, free)
        starts.append(start)
        free = start - _working_days_taken(step)
    if free is not None and free < 0:
        raise DemoError("The demo story has more steps near its end than working days before the day of loading.")
    return starts


FIRST_DAY_BACK = 262  # the demo's people join a little before the first launch


def _swap(text: str, old: str, new: str, *, slug: str) -> str:
    """Replace the one occurrence of ``old``; the story and the folder disagree if there is not exactly one."""
    count = text.count(old)
    if count != 1:
        raise DemoError(
            f"The demo story expects this passage once in '{slug}', but it is there {count} times: {old[:70]!r}. "
            "Keep demo/story.py in step with the demo's Markdown files."
        )
    return text.replace(old, new)


def _edit_targets(targets: list[dict], edits, *, undo: bool, slug: str) -> list[dict]:
    """``targets`` with each edit applied (or, with ``undo``, taken back); the fields it names must read as the
    edit expects, so the story cannot drift from the folder."""
    targets = [dict(t) for t in targets]
    for edit in edits:
        expected, wanted = (edit.after, edit.before) if undo else (edit.before, edit.after)
        target = next((t for t in targets if t["metric"] == edit.metric), None)
        if target is None or any(target.get(k) != v for k, v in expected.items()):
            raise DemoError(f"The demo story expects a target '{edit.metric}' of '{slug}' reading {expected!r}.")
        target.update(wanted)
    return targets


def _first_plan(plan: ManualPlan, retired: ManualPlan) -> ManualPlan:
    """The manual as first published: today's text with the story's revisions undone, the newest first, and
    the entries the story retires."""
    entries = {e.slug: e for e in [*plan.entries, *retired.entries]}
    for revision in reversed(REVISIONS):
        entry = entries[revision.slug]
        body = entry.body
        for edit in reversed(revision.edits):
            body = _swap(body, edit.after, edit.before, slug=revision.slug)
        changes = {"body": body}
        if revision.target_edits:
            changes["targets"] = _edit_targets(entry.targets, revision.target_edits, undo=True, slug=revision.slug)
        for name, (before, after) in revision.fields.items():
            if getattr(entry, name) != after:
                raise DemoError(f"The demo story expects the {name} of '{revision.slug}' to be {after!r}.")
            changes[name] = before
        entries[revision.slug] = replace(entry, **changes)
    values = {v.name: v for v in plan.values}
    for change in reversed(VALUE_CHANGES):
        if values[change.name].value != change.after:
            raise DemoError(f"The demo story expects the shared value '{change.name}' to be {change.after!r}.")
        values[change.name] = replace(values[change.name], value=change.before)
    return replace(plan, entries=sorted(entries.values(), key=lambda e: e.file), values=list(values.values()))


class _Story:
    """Plays the steps in order, each at its own moment, and refuses a moment that is not after the last one."""

    def __init__(self, plan: ManualPlan, retired: ManualPlan, *, today: date):
        self.first = _first_plan(plan, retired)
        self.today = today
        self.starts = {id(step): start for step, start in zip(STORY, story_schedule(), strict=True)}
        self.now = timezone.now()
        self.last: datetime | None = None
        self.users: dict = {}
        self.feedback: dict[str, FeedbackItem] = {}

    def working_day(self, count: int) -> date:
        return working_days_back(self.today, count)

    def day(self, step) -> date:
        """The working day the step starts on."""
        return self.working_day(self.starts[id(step)])

    def at(self, day: date, hour: int, minute: int):
        """Travel to ``day`` at ``hour``:``minute``, local time, with the clock standing still."""
        when = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        if (self.last is not None and when <= self.last) or when >= self.now:
            raise DemoError(f"The demo story cannot happen at {when:%Y-%m-%d %H:%M}: its steps must keep in order.")
        self.last = when
        return time_machine.travel(when, tick=False)

    def entry(self, slug: str) -> Entry:
        return Entry.objects.select_related("manual").get(manual__slug=DEMO_MANUAL_SLUG, slug=slug)

    def play(self, step) -> None:
        try:
            match step:
                case Launch():
                    self._launch(step)
                case Revision():
                    self._revise(step)
                case Release():
                    self._release(step)
                case Retirement():
                    self._retire(step)
                case Proposal():
                    self._propose(step)
                case Reading():
                    self._read(step)
                case Feedback():
                    self._feedback(step)
                case ValueChange():
                    self._change_value(step)
                case Search():
                    self._search(step)
        except (ValidationError, ManualImportError) as exc:
            raise DemoError(f"The demo story failed at {step}: {exc}") from exc

    def _launch(self, step: Launch) -> None:
        plan = replace(
            self.first,
            sections=[s for s in self.first.sections if s.slug in step.sections],
            entries=[e for e in self.first.entries if e.section in step.sections],
        )
        with self.at(self.day(step), 10, 0):
            manual_import_plan(plan=plan, publish=True, user=self.users["manager"], source=LAUNCH_SOURCE)

    def _read(self, step: Reading) -> None:
        entries = list(
            Entry.objects.live().filter(manual__slug=DEMO_MANUAL_SLUG).select_related("ack_version", "manual")
        )
        with self.at(self.day(step), 11, 0):
            for username in step.usernames:
                user = self.users[username]
                teams = Team.objects.filter(slug__in=DEMO_TEAMS.get(username, ()))
                if not user.profile.teams.exists():
                    user.profile.teams.set(teams)
                for state in states_for(user, entries):
                    if not state.done:
                        entry_acknowledge(entry=state.entry, user=user)

    def _edit(self, slug: str, author, edits, fields: dict, target_edits=()) -> Entry:
        entry = self.entry(slug)
        body = entry.body
        for edit in edits:
            body = _swap(body, edit.before, edit.after, slug=slug)
        data = {"body": body} | {name: after for name, (_before, after) in fields.items()}
        if target_edits:
            data["targets"] = _edit_targets(entry.targets, target_edits, undo=False, slug=slug)
        return services.entry_save_draft(
            entry=entry, manual=entry.manual, user=author, data=data, base_lock_version=entry.lock_version
        )

    def _revise(self, step: Revision) -> None:
        author, approver = self.users[step.author], self.users[step.approver]
        day = self.day(step)
        first_round = step.edits[:-1] if step.sent_back else step.edits
        with self.at(day, 9, 20 + step.days_ago % 30):
            entry = self._edit(step.slug, author, first_round, step.fields, step.target_edits)
        with self.at(day, 15, step.days_ago % 45):
            services.entry_submit(entry=entry, user=author, summary=step.note)
        day = _next_working_day(day)
        if step.sent_back:
            with self.at(day, 10, 5):
                services.entry_request_changes(entry=entry, user=approver, comment=step.sent_back)
            with self.at(day, 14, 30):
                entry = self._edit(step.slug, author, step.edits[-1:], {})
            with self.at(day, 14, 50):
                services.entry_submit(entry=entry, user=author, summary=step.note)
            day = _next_working_day(day)
        with self.at(day, 11, 10 + step.days_ago % 40):
            entry = self.entry(step.slug)  # the working copy as the reviewer opens it
            version = services.entry_approve(
                entry=entry, user=approver, change_summary=step.summary, is_material=step.material,
                reviewed_lock_version=entry.lock_version,
            )  # fmt: skip
            if step.answers:
                items = [self.feedback[key] for key in step.answers]
                feedback_close_with_version(items=items, version=version, user=approver)

    def _search(self, step: Search) -> None:
        entry = self.entry(step.slug) if step.slug else None
        outcome = SearchOutcome.NOT_HELPFUL if entry else SearchOutcome.NO_RESULTS
        with self.at(self.day(step), 14, 59 - step.days_ago % 60):
            search_log_record(
                manual=demo_manual(), user=self.users[step.by], query=step.query, outcome=outcome, entry=entry
            )

    def _feedback(self, step: Feedback) -> None:
        user = self.users[step.by]
        manual = demo_manual()
        entry = self.entry(step.slug) if step.slug else None
        with self.at(self.day(step), 13, 5):
            if step.source == "employee":
                item = feedback_send(manual=manual, entry=entry, user=user, text=step.text)
            else:
                item = feedback_record(
                    manual=manual, user=user, source=step.source, channel=step.channel, text=step.text,
                    received_on=timezone.localdate(), entry=entry, customer_reference=step.reference,
                )  # fmt: skip
        self.feedback[step.key] = item

    def _change_value(self, step: ValueChange) -> None:
        author, approver = self.users[step.author], self.users[step.approver]
        shared = SharedValue.objects.get(manual__slug=DEMO_MANUAL_SLUG, name=step.name)
        day = self.day(step)
        with self.at(day, 9, 45):
            services.value_save_draft(
                shared_value=shared, user=author, value=step.after, reason=step.reason, is_material=step.material
            )
        with self.at(day, 10, 5):
            services.value_submit(shared_value=shared, user=author)
        with self.at(_next_working_day(day), 11, 30):
            shared.refresh_from_db()  # the change as the reviewer opens it
            services.value_approve(shared_value=shared, user=approver, reviewed_lock_version=shared.lock_version)

    def _release(self, step: Release) -> None:
        with self.at(self.day(step), 16, 30):
            manual = demo_manual()
            notes = f"{step.introduction}\n\n{services.edition_draft_notes(manual)}"
            services.edition_release(
                manual=manual, user=self.users[step.by], label=services.edition_suggest_label(manual),
                release_notes=notes,
            )  # fmt: skip

    def _retire(self, step: Retirement) -> None:
        with self.at(self.day(step), 12, 15):
            services.entry_retire(entry=self.entry(step.slug), user=self.users[step.by], reason=step.reason)

    def _propose(self, step: Proposal) -> None:
        author = self.users[step.author]
        day = self.day(step)
        with self.at(day, 10, 40):
            entry = self.entry(step.slug)
            entry = services.entry_save_draft(
                entry=entry, manual=entry.manual, user=author, data={"body": entry.body + step.addition.rstrip()},
                base_lock_version=entry.lock_version,
            )  # fmt: skip
        with self.at(_next_working_day(day), 16, 20):
            services.entry_submit(entry=entry, user=author, summary=step.note)

    def check_ends_at(self, plan: ManualPlan) -> None:
        """The story must end where the folder is: every entry's live version reads as its file does."""
        live = {
            e.slug: e.live_version for e in Entry.objects.filter(manual__slug=plan.slug).select_related("live_version")
        }
        for item in plan.entries:
            version = live[item.slug]
            for name in ("title", "summary", "body"):
                if getattr(version, name) != getattr(item, name):
                    raise DemoError(
                        f"The demo story ends with a {name} of '{item.slug}' that differs from {item.file}."
                    )


# Deleting ------------------------------------------------------------------------------------------------------


@dataclass
class DemoDeletion:
    entries: int
    versions: int
    sections: int
    editions: int
    pdfs: int
    history_rows: int


def demo_contents(manual: Manual) -> DemoDeletion:
    """What deleting the manual would remove (history not counted), for the confirmation question."""
    return DemoDeletion(
        entries=Entry.objects.filter(manual=manual).count(),
        versions=EntryVersion.objects.filter(entry__manual=manual).count(),
        sections=Section.objects.filter(manual=manual).count(),
        editions=Edition.objects.filter(manual=manual).count(),
        pdfs=StoredPDF.objects.filter(manual=manual).count(),
        history_rows=0,
    )


@transaction.atomic
def demo_delete(manual: Manual) -> DemoDeletion:
    """Delete the manual and everything recorded about it: entries, versions, sections, editions, stored PDFs
    (their files once the transaction commits) and the history rows of all of them, so that a past view of a
    manual loaded afterwards shows nothing of this one.

    Rows are deleted in the order their PROTECT foreign keys ask for: stored PDFs and editions (whose rows
    point at versions and sections), then versions, entries, sections and the manual.
    """
    counts = demo_contents(manual)
    HistoricalEntry = Entry.history.model
    entry_ids = set(HistoricalEntry.objects.filter(manual_id=manual.pk).values_list("id", flat=True))
    entry_ids |= set(Entry.objects.filter(manual=manual).values_list("pk", flat=True))

    pdfs = StoredPDF.objects.filter(manual=manual)
    files = [(pdf.file.storage, pdf.file.name) for pdf in pdfs.exclude(file="")]
    pdfs.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    Edition.objects.filter(manual=manual).delete()  # with their sections, entries and PDFs
    # Entries and versions point at each other (live_version, entry), both PROTECT. A plain update breaks the
    # cycle: it writes no history, and all of their history is deleted below anyway.
    Notification.objects.filter(url__contains=f"/manuals/{manual.slug}/").delete()  # they point at what goes
    Entry.objects.filter(manual=manual).update(live_version=None, ack_version=None)
    Acknowledgement.objects.filter(entry__manual=manual).delete()
    EntryVersion.objects.filter(entry__manual=manual).delete()
    Entry.objects.filter(manual=manual).delete()
    Section.objects.filter(manual=manual).delete()
    value_ids = list(SharedValue.objects.filter(manual=manual).values_list("pk", flat=True))
    SharedValueVersion.objects.filter(shared_value__manual=manual).delete()
    SharedValue.objects.filter(manual=manual).delete()
    manual_id = manual.pk
    manual.delete()

    # Deleting recorded a history row per object; these go with the rest of the history.
    history = [
        EntryVersion.history.model.objects.filter(entry_id__in=entry_ids),
        Acknowledgement.history.model.objects.filter(entry_id__in=entry_ids),
        HistoricalEntry.objects.filter(manual_id=manual_id),
        Section.history.model.objects.filter(manual_id=manual_id),
        SharedValueVersion.history.model.objects.filter(shared_value_id__in=value_ids),
        SharedValue.history.model.objects.filter(manual_id=manual_id),
        Edition.history.model.objects.filter(manual_id=manual_id),
        FeedbackItem.history.model.objects.filter(manual_id=manual_id),
        Manual.history.model.objects.filter(id=manual_id),
    ]
    counts.history_rows = sum(rows.delete()[0] for rows in history)
    return counts


# Reporting -----------------------------------------------------------------------------------------------------


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def three_months_back(today: date | None = None) -> date:
    """A weekday about three months before ``today``: a good ``?as_of=`` to show the past."""
    return _weekday((today or timezone.localdate()) - timedelta(days=91))


def _span(first: date, last: date) -> str:
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {_day(last)}"
    return f"{_day(first)} to {_day(last)}"


def load_lines(loaded: DemoLoad) -> list[str]:
    manual = loaded.manual
    editions = " and ".join(f"{e.label} ({_day(timezone.localdate(e.released_at))})" for e in loaded.editions)
    lines = [
        f'Loaded the demo manual "{manual.title}" ({manual.slug}), with a year of history:',
        f"  first published {_span(*loaded.launched)}, then {loaded.revisions} revisions by {loaded.authors} "
        f"authors and {loaded.approvers} approvers",
        f"  editions {editions}",
    ]
    lines += [f'  retired on {_day(day)}: "{title}"' for title, day in loaded.retired]
    lines += [f'  in review now: "{title}"' for title in loaded.in_review]
    return lines + tip_lines(manual)


def tip_lines(manual: Manual) -> list[str]:
    """Where to see the past: the manual three months back, and the two latest editions compared."""
    home = reverse("policies:manual_home", kwargs={"manual": manual.slug})
    lines = [f"  the manual three months ago: {home}?as_of={three_months_back().isoformat()}"]
    labels = list(Edition.objects.filter(manual=manual).order_by("-released_at").values_list("label", flat=True)[:2])
    if len(labels) == 2:
        compare = reverse("policies:manual_compare", kwargs={"manual": manual.slug})
        lines.append(f"  the last two editions compared: {compare}?from={labels[1]}&to={labels[0]}")
    return lines


def login_lines(*, created: list[str] = ()) -> list[str]:
    """The demo logins. Users the demo did not just create keep their password, which may have changed."""
    existing = set(
        get_user_model()
        .objects.filter(username__in=[u.username for u in DEMO_USERS])
        .values_list("username", flat=True)
    )
    kept = [u.username for u in DEMO_USERS if u.username in existing and u.username not in created]
    if created and kept:
        lines = ["Demo logins (local use only; users that existed already keep their password):"]
    elif kept:
        lines = ["Demo logins (local use only; passwords as the demo set them, unless changed since):"]
    else:
        lines = ["Demo logins (local use only):"]
    for demo in DEMO_USERS:
        who = f"{demo.name}, {demo.role}" if demo.name else demo.role
        if demo.username not in existing:
            who += "  (no such user: reset_demo creates it)"
        elif created and demo.username in kept:
            who += "  (existed already)"
        lines.append(f"  {demo.username:<8} {demo.password:<18} {who}")
    return lines
