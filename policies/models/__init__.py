from .edition import Edition, EditionEntry, EditionSection, PDFKind, PDFStatus, StoredPDF
from .entry import Channel, Entry, EntryKind, EntryRedirect, EntryStatus, EntryVersion
from .manual import Manual, Section
from .review import EntryReview, ReminderSchedule
from .value import SharedValue, SharedValueVersion, ValueStatus

__all__ = [
    "Channel", "Edition", "EditionEntry", "EditionSection", "Entry", "EntryKind", "EntryRedirect", "EntryReview",
    "EntryStatus", "EntryVersion", "Manual", "PDFKind", "PDFStatus", "ReminderSchedule", "Section", "StoredPDF",
    "SharedValue", "SharedValueVersion", "ValueStatus",
]  # fmt: skip
