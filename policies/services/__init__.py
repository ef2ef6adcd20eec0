"""Every change of state goes through a function here, so the views, the admin and the commands behave alike.

Laid out by concern: ``entries`` (the workflow of one entry), ``manuals`` (manuals, sections, arranging),
``editions`` and ``values`` (shared values). Import them from ``policies.services``.
"""

from .common import EditConflict, TransitionError, manual_link_map
from .editions import edition_draft_notes, edition_release, edition_suggest_label
from .entries import (
    EDITABLE_FIELDS,
    PLACEMENT_FIELDS,
    entry_approve,
    entry_broken_links,
    entry_changes_since,
    entry_delete_draft,
    entry_move,
    entry_reinstate,
    entry_request_changes,
    entry_restore,
    entry_retire,
    entry_save_draft,
    entry_submit,
    normalise_entry_data,
)
from .manuals import (
    entries_reorder,
    manual_four_eyes_off_approve,
    manual_four_eyes_off_decline,
    manual_four_eyes_set,
    manual_open,
    manual_save,
    section_save,
    sections_reorder,
)
from .values import (
    value_approve,
    value_create,
    value_relabel,
    value_request_changes,
    value_save_draft,
    value_submit,
    value_withdraw,
)

__all__ = [
    "EDITABLE_FIELDS", "EditConflict", "PLACEMENT_FIELDS", "TransitionError",
    "edition_draft_notes", "edition_release", "edition_suggest_label", "entries_reorder", "entry_approve",
    "entry_broken_links", "entry_changes_since", "entry_delete_draft", "entry_move", "entry_reinstate",
    "entry_request_changes", "entry_restore", "entry_retire", "entry_save_draft", "entry_submit", "manual_link_map",
    "manual_four_eyes_off_approve", "manual_four_eyes_off_decline", "manual_four_eyes_set",
    "manual_open", "manual_save", "normalise_entry_data", "section_save", "sections_reorder",
    "value_approve", "value_create", "value_relabel", "value_request_changes", "value_save_draft", "value_submit",
    "value_withdraw",
]  # fmt: skip
