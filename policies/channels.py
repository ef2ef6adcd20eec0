"""Reads for the channel pages: everything in the manual that applies to one channel (phone, email, chat...).

They work from a snapshot (the live manual, or the manual as of a date or an edition), so a past view of a
channel shows what applied then. No query of their own: the snapshot has every version's channels, scripts and
targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Channel, EntryKind, EntryVersion
from .models.parts import target_rows
from .selectors import ManualSnapshot, PageVersion

KIND_HEADINGS = {
    EntryKind.POLICY: "Policies", EntryKind.PROCEDURE: "Procedures", EntryKind.PROTOCOL: "Protocols",
    EntryKind.STANDARD: "Service standards",
}  # fmt: skip


@dataclass
class ChannelSummary:
    channel: str
    label: str
    served: bool
    entries: int = 0
    scripts: int = 0
    targets: int = 0


@dataclass
class ChannelPage:
    channel: str
    label: str
    served: bool
    targets: list[dict] = field(default_factory=list)  # rows, each with ``page`` (the standard it comes from)
    scripts: list[tuple[PageVersion, list[dict]]] = field(default_factory=list)  # (protocol, its scripts here)
    by_kind: list[tuple[str, list[PageVersion]]] = field(default_factory=list)  # (kind label, entries)

    @property
    def is_empty(self) -> bool:
        return not (self.targets or self.scripts or self.by_kind)


def _applies(version: EntryVersion, channel: str) -> bool:
    return (
        channel in (version.channels or [])
        or any(s["channel"] == channel for s in version.scripts or [])
        or any(t.get("channel") == channel for t in version.targets or [])
    )


def channel_summaries(snapshot: ManualSnapshot) -> list[ChannelSummary]:
    """Every channel the organisation serves, and any other that entries name, with what applies to it."""
    served = list(snapshot.manual.channels or [])
    summaries = {c.value: ChannelSummary(c.value, c.label, c.value in served) for c in Channel}
    for version in snapshot.entries:
        for channel, summary in summaries.items():
            if _applies(version, channel):
                summary.entries += 1
                summary.scripts += sum(1 for s in version.scripts or [] if s["channel"] == channel)
                summary.targets += sum(1 for t in version.targets or [] if t.get("channel") == channel)
    return [s for s in summaries.values() if s.served or s.entries]


def channel_page(snapshot: ManualSnapshot, channel: str) -> ChannelPage:
    """What applies to ``channel``: targets measured on it (and those for every channel), protocols' scripts
    for it, and the entries that name it, by kind in reading order."""
    label = dict(Channel.choices)[channel]
    page = ChannelPage(channel, label, channel in (snapshot.manual.channels or []))
    kinds: dict[str, list[PageVersion]] = {}
    for entry_page in snapshot.pages:
        version = entry_page.version
        for row in target_rows(version.targets):
            if row["channel"] in (channel, ""):
                page.targets.append({**row, "page": entry_page})
        scripts = [s for s in version.scripts or [] if s["channel"] == channel]
        if scripts:
            page.scripts.append((entry_page, scripts))
        if _applies(version, channel):
            kinds.setdefault(version.kind, []).append(entry_page)
    page.by_kind = [(heading, kinds[kind]) for kind, heading in KIND_HEADINGS.items() if kind in kinds]
    return page
