"""Reading a CSV of feedback and working out what importing it would do.

The file has a header line naming the columns ``date,source,channel,entry,customer_reference,text`` (in any
order) and one item a line. ``date`` is ISO 8601 (2026-03-14), ``source`` one of customer, employee, survey or
complaint, ``channel`` a channel of the manual (or empty), ``entry`` an entry's slug (or empty: none yet).

Every line is checked before anything is written; bad lines are reported with their number and left out. Each
line's import key is a hash of the manual and the line's values, so a line imported once is never imported again.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass, field

from policies.models import Channel, Entry, Manual

from .models import FeedbackItem, Source

COLUMNS = ("date", "source", "channel", "entry", "customer_reference", "text")
REQUIRED_COLUMNS = frozenset({"date", "source", "text"})
MAX_IMPORT_BYTES = 2 * 1024 * 1024


class FeedbackImportError(Exception):
    """The file as a whole cannot be read."""


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}"


@dataclass
class FeedbackRow:
    line: int
    received_on: datetime.date
    source: str
    channel: str
    entry: Entry | None
    customer_reference: str
    text: str
    import_key: str

    @property
    def source_label(self) -> str:
        return Source(self.source).label

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label if self.channel else ""


@dataclass
class ImportPlan:
    rows: list[FeedbackRow] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    already_imported: list[int] = field(default_factory=list)  # line numbers

    def lines(self) -> list[str]:
        """The plan in words, for the command line."""
        out = [str(r) for r in self.rejected]
        out.append(
            f"{len(self.rows)} to import, {len(self.already_imported)} already imported, {len(self.rejected)} rejected."
        )
        return out


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file, or a ``FeedbackImportError`` saying why it is not a CSV we can read."""
    if len(data) > MAX_IMPORT_BYTES:
        raise FeedbackImportError("The file is larger than 2 MB. Split it into smaller files.")
    if b"\x00" in data:
        raise FeedbackImportError("This is not a CSV file. Save the list as CSV (UTF-8) and try again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedbackImportError("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.") from None


def _import_key(manual: Manual, values: dict[str, str]) -> str:
    raw = "\x1f".join([str(manual.pk), *(values.get(c, "") for c in COLUMNS)])
    return hashlib.sha256(raw.encode()).hexdigest()


def feedback_import_plan(*, manual: Manual, text: str) -> ImportPlan:
    """What importing ``text`` into ``manual`` would do: the rows to import, the rejected lines with their
    reasons, and the lines imported before. Writes nothing."""
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise FeedbackImportError(f"This is not a CSV file we can read: {exc}.") from None
    if not header:
        raise FeedbackImportError("The file is empty. The first line names the columns: " + ",".join(COLUMNS))
    missing = REQUIRED_COLUMNS - set(header)
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(sorted(missing)))
        if unknown:
            parts.append("unknown " + ", ".join(unknown))
        raise FeedbackImportError(f"The first line must name the columns {','.join(COLUMNS)} ({'; '.join(parts)}).")
    reader.fieldnames = header
    entries = {e.slug: e for e in Entry.objects.filter(manual=manual)}
    plan = ImportPlan()
    keys: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            values = {c: (record.get(c) or "").strip() for c in COLUMNS}
            if not any(values.values()):
                continue
            problems = []
            try:
                received_on = datetime.date.fromisoformat(values["date"])
            except ValueError:
                received_on = None
                problems.append(f"bad date “{values['date']}” (write it as 2026-03-14)")
            source = values["source"].lower()
            if source not in Source.values:
                problems.append(f"unknown source “{values['source']}” (use {', '.join(Source.values)})")
            channel = values["channel"].lower()
            if channel and channel not in Channel.values:
                problems.append(f"unknown channel “{values['channel']}” (use {', '.join(Channel.values)})")
            entry = entries.get(values["entry"]) if values["entry"] else None
            if values["entry"] and entry is None:
                problems.append(f"unknown entry slug “{values['entry']}”")
            if not values["text"]:
                problems.append("empty text")
            if problems:
                plan.rejected.append(Rejected(line, "; ".join(problems)))
                continue
            key = _import_key(manual, values)
            if key in keys:
                plan.already_imported.append(line)
                continue
            keys[key] = line
            plan.rows.append(
                FeedbackRow(
                    line=line,
                    received_on=received_on,
                    source=source,
                    channel=channel,
                    entry=entry,
                    customer_reference=values["customer_reference"],
                    text=values["text"],
                    import_key=key,
                )
            )
    except csv.Error as exc:
        raise FeedbackImportError(f"This is not a CSV file we can read (line {reader.line_num}: {exc}).") from None
    done = set(FeedbackItem.objects.filter(import_key__in=keys).values_list("import_key", flat=True))
    if done:
        plan.already_imported += [row.line for row in plan.rows if row.import_key in done]
        plan.already_imported.sort()
        plan.rows = [row for row in plan.rows if row.import_key not in done]
    return plan
