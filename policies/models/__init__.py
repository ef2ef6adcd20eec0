from .edition import Edition, EditionEntry, EditionSection, PDFKind, PDFStatus, StoredPDF
from .entry import Channel, Entry, EntryKind, EntryRedirect, EntryStatus, EntryVersion
from .manual import Manual, Section
from .value import SharedValue, SharedValueVersion, ValueStatus

__all__ = [
    "Channel", "Edition", "EditionEntry", "EditionSection", "Entry", "EntryKind", "EntryRedirect",
    "EntryStatus", "EntryVersion", "Manual", "PDFKind", "PDFStatus", "Section", "StoredPDF",
    "SharedValue", "SharedValueVersion", "ValueStatus",
]  # fmt: skip
