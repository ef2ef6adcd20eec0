"""Feedback's share of the manual's pages and texts (``policies.contributions``): the open items a version
answers, ticked on the review page; a word to the reviewer on how many were closed; the items answered, in the
entry's history and under each revision of the draft release notes. Registered in ``FeedbackConfig.ready``."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.formats import date_format

from policies import contributions
from policies.selectors import TimelineEvent

from . import selectors
from .models import FeedbackItem


def approval_form(*, entry) -> str:
    """The entry's open items, each with a box to tick if the version being approved answers it."""
    items = list(selectors.feedback_open_for_entry(entry)) if entry is not None else []
    return render_to_string("feedback/_answers.html", {"open_items": items}) if items else ""


def approved(*, entry, version) -> str:
    answered = selectors.feedback_answered_by_entry(entry).filter(closing_version=version).count()
    return f"{answered} feedback item{'s' if answered != 1 else ''} closed as answered." if answered else ""


def timeline(*, entry) -> list[TimelineEvent]:
    return [
        TimelineEvent(at=item.closed_at, who=item.closed_by, detail=item.text,
                      what=f"Feedback answered by version {item.closing_version.number}")
        for item in selectors.feedback_answered_by_entry(entry)
    ]  # fmt: skip


def release_notes_under_entry(*, manual, since) -> dict[str, str]:
    return {slug: answered_line(items) for slug, items in selectors.feedback_answered_since(manual, since).items()}


def answered_line(items: list[FeedbackItem]) -> str:
    """ "Answers feedback #12 (a complaint of 3 November 2026) and #15 (...)": numbers, sources and dates only,
    since the notes are read by everyone and a customer's words may not be for everyone."""
    parts = [
        f"#{item.pk} ({item.get_source_display().lower()} of {date_format(item.received_on, 'j F Y')}, "
        f"version {item.closing_version.number})"
        for item in items
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Answers feedback {listed}."


def register() -> None:
    contributions.approval_form.register(approval_form)
    contributions.approved.register(approved)
    contributions.timeline.register(timeline)
    contributions.release_notes_under_entry.register(release_notes_under_entry)
