"""What every service shares: the workflow's errors and the one way a row with history is saved."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import Entry, Manual


class TransitionError(ValidationError):
    """The entry is not in a state that allows this step.

    ``code`` names the rule that refused it, so callers (and tests) can tell the refusals apart:

    - ``retired``: a retired entry cannot be edited, submitted or published.
    - ``already_retired``: retiring an entry twice.
    - ``not_retired``: reinstating an entry that is in the manual.
    - ``never_published``: retiring a draft that was never published (delete it instead).
    - ``was_published``: deleting an entry that was published once (retire it instead).
    - ``not_a_draft``: submitting an entry that is not a draft.
    - ``nothing_to_submit`` / ``nothing_to_publish``: no unpublished changes.
    - ``broken_links``: the text links to entries that do not exist, or to addresses that cannot be opened.
    - ``not_in_review``: approving or sending back an entry that is not in review.
    - ``four_eyes``: the approver wrote the latest changes and the manual asks for a second person, or the
      manager who asked to turn four-eyes approval off tries to approve their own request.
    - ``no_request``: approving or declining a request to turn four-eyes approval off when none is waiting.
    - ``not_reviewed``: an approval that does not say which text the reviewer saw.
    - ``stale_review``: the draft changed after the reviewer opened it.
    """

    def __init__(self, message: str, code: str, params: dict | None = None):
        super().__init__(message, code=code, params=params)


@dataclass
class EditConflict(Exception):
    """Someone else saved the entry after the editor opened it."""

    entry: Entry
    their_changes: dict[str, tuple[object, object]]

    def __str__(self) -> str:
        return "Someone else saved this entry while you were editing it."


def touch_manual(manual: Manual) -> None:
    """Mark the manual's published content as changed, so cached pages and stored PDFs are remade."""
    Manual.objects.filter(pk=manual.pk).update(content_changed_at=timezone.now())  # no history for a timestamp


def manual_link_map(manual: Manual) -> dict[str, int]:
    return dict(Entry.objects.filter(manual=manual).values_list("slug", "id"))


def save_with_history(obj, *, user, reason: str) -> None:
    """Validate and save ``obj``, recording who and why in its history."""
    obj._history_user = user
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


def apply_changes(obj, data: dict) -> bool:
    """Set the fields that differ; say whether any did."""
    changed = False
    for field, value in data.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    return changed
