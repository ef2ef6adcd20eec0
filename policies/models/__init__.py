from .entry import Channel, Entry, EntryKind, EntryStatus, EntryVersion
from .manual import Manual, Section

__all__ = ["Channel", "Entry", "EntryKind", "EntryStatus", "EntryVersion", "Manual", "Section"]
