from .editing import (
    entry_approve,
    entry_create,
    entry_diff,
    entry_edit,
    entry_history,
    entry_request_changes,
    entry_restore,
    entry_retire,
    entry_submit,
    markdown_preview,
    review_queue,
)
from .editions import (
    edition_detail,
    edition_entry,
    edition_list,
    edition_pdf,
    edition_print,
    edition_release,
    manual_compare,
    onboarding,
)
from .organise import manual_create, manual_organise, manual_settings, section_edit
from .reading import entry_detail, manual_home, manual_list, manual_pdf, manual_print, pdf_download, pdf_status, search

__all__ = [
    "entry_approve", "entry_create", "entry_detail", "entry_diff", "entry_edit", "entry_history",
    "entry_request_changes", "entry_restore", "entry_retire", "entry_submit", "manual_home", "manual_list",
    "manual_create",
    "manual_organise", "manual_pdf", "manual_print", "manual_settings", "markdown_preview", "review_queue",
    "section_edit", "edition_detail", "edition_entry", "edition_list", "edition_pdf", "edition_print",
    "edition_release", "manual_compare", "onboarding", "pdf_download", "pdf_status", "search",
]  # fmt: skip
