from .channels import channel_detail, channel_list
from .editing import (
    entry_approve,
    entry_create,
    entry_delete,
    entry_diff,
    entry_edit,
    entry_history,
    entry_questions,
    entry_reinstate,
    entry_request_changes,
    entry_restore,
    entry_retire,
    entry_review,
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
from .organise import manual_create, manual_four_eyes, manual_organise, manual_settings, section_edit
from .parts import entry_scripts, entry_targets
from .reading import (
    entry_detail,
    manual_home,
    manual_list,
    manual_pdf,
    manual_print,
    pdf_download,
    pdf_status,
)
from .word import entry_docx, manual_docx, word_import_confirm, word_import_upload

__all__ = [
    "entry_questions", "entry_scripts", "entry_targets",
    "channel_detail", "channel_list",
    "edition_detail", "edition_entry", "edition_list", "edition_pdf", "edition_print", "edition_release",
    "entry_approve", "entry_create", "entry_delete", "entry_detail", "entry_diff", "entry_edit", "entry_history",
    "entry_reinstate", "entry_request_changes", "entry_restore", "entry_retire", "entry_review", "entry_submit",
    "manual_four_eyes",
    "manual_compare", "manual_create", "manual_home", "manual_list", "manual_organise", "manual_pdf",
    "manual_print", "manual_settings", "markdown_preview", "onboarding", "pdf_download", "pdf_status",
    "review_queue", "section_edit",
    "entry_docx", "manual_docx", "word_import_confirm", "word_import_upload",
]  # fmt: skip
