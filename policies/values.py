"""Shared values in entries' text: which names a text uses, where each value is used, and rendering with them.

An entry writes ``{{ refund_window }}``; its stored HTML holds the value's text as it was when the HTML was
rendered (``rendering.markdown`` puts it in as plain text). So readers never pay for the substitution, and past
views and editions, which read stored versions, keep the value they had. Changing a value re-renders the
entries that use it and publishes them (``services.values``). These are the reads; the changes are services.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.safestring import SafeString, mark_safe

from .links import entry_link_urls
from .models import Entry, EntryRedirect, EntryStatus, Manual, SharedValue, SharedValueVersion, ValueStatus
from .rendering.markdown import VALUE_TOKEN, RenderResult, render_markdown, resolve_entry_links

TOKEN_RE = re.compile(r"(?<!\\)" + VALUE_TOKEN)
_FENCED_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_BLOCK_SPLIT = re.compile(r"\n[ \t]*\n+")


def names_in(text: str) -> set[str]:
    """The names ``text`` writes between double braces, outside code.

    A quick scan without Markdown, to find which entries may use a value without rendering them all; the
    renderer has the last word (an indented code block, say, counts here and is left alone there).
    """
    if not text or "{{" not in text:
        return set()
    text = _CODE_SPAN.sub("", _FENCED_CODE.sub("", text))
    return {match.group(1) for match in TOKEN_RE.finditer(text)}


def manual_values(manual: Manual) -> dict[str, str]:
    """The manual's approved values by name: what readers see."""
    return dict(SharedValue.objects.filter(manual=manual).values_list("name", "value"))


def unknown_values_message(unknown: list[str], known: Mapping[str, str] | set[str]) -> str:
    """ "No shared value is called {{ refund_windw }}. Known values: refund_window, support_hours." """
    named = " or ".join(f"{{{{ {name} }}}}" for name in unknown)
    first = f"No shared value is called {named}." if len(unknown) == 1 else f"No shared values are called {named}."
    listed = ", ".join(sorted(known))
    rest = f" Known values: {listed}." if listed else " This manual has no shared values yet."
    return first + rest + " To show double braces as they are, put them in `code`."


def render_entry_body(text: str, *, manual: Manual, link_map: Mapping[str, int]) -> RenderResult:
    """An entry's text as stored HTML, with the manual's shared values in it.

    Raises ``ValidationError`` on ``body`` naming any value the manual does not have, so a misspelt name never
    reaches readers as braces.
    """
    values = manual_values(manual) if "{{" in (text or "") else {}
    html = render_markdown(text, link_map=link_map, values=values)
    if html.unknown_values:
        raise ValidationError({"body": unknown_values_message(html.unknown_values, values or manual_values(manual))})
    return html


_MARKDOWN_SIGNIFICANT = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def as_markdown_text(value: str) -> str:
    """``value`` written so that Markdown reads it as the plain text it is."""
    return _MARKDOWN_SIGNIFICANT.sub(r"\\\1", value.replace("&", "&amp;").replace("<", "&lt;"))


def write_in_values(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{{ name }}`` outside code replaced by its value as Markdown text: the source as
    readers saw it, for comparing versions word by word. Unknown names are left as they are."""
    if not text or "{{" not in text:
        return text

    def fill(part: str) -> str:
        return TOKEN_RE.sub(lambda m: as_markdown_text(values[m[1]]) if m[1] in values else m[0], part)

    out, last = [], 0
    for code in _code_stretches(text):
        out += [fill(text[last : code.start()]), code.group(0)]
        last = code.end()
    out.append(fill(text[last:]))
    return "".join(out)


def _code_stretches(text: str) -> list[re.Match]:
    fences = list(_FENCED_CODE.finditer(text))
    spans, last = [], 0
    for stretch in [*fences, None]:
        end = stretch.start() if stretch else len(text)
        spans += list(_CODE_SPAN.finditer(text, last, end))
        if stretch:
            spans.append(stretch)
            last = stretch.end()
    return spans


def bodies_as_shown(rows) -> dict[int, str]:
    """``{version id: source}`` from ``(id, body, approved_at, manual id)`` rows, with the shared values each
    version was published with written in (one query per manual, only where a text uses a value)."""
    out, by_manual = {}, {}
    for pk, body, approved_at, manual_id in rows:
        if names_in(body):
            by_manual.setdefault(manual_id, []).append((pk, body, approved_at))
        out[pk] = body
    for manual_id, items in by_manual.items():
        history = list(
            SharedValueVersion.objects.filter(shared_value__manual_id=manual_id)
            .order_by("approved_at", "number")
            .values_list("shared_value__name", "value", "approved_at")
        )
        for pk, body, approved_at in items:
            values = {name: value for name, value, at in history if at <= approved_at}
            out[pk] = write_in_values(body, values)
    return out


def rerender_link_map(manual: Manual) -> dict[str, int]:
    """Slugs to entry ids for rendering stored text again: old addresses too, so a link written before an
    entry was renamed still finds it, as it did when first rendered."""
    link_map = dict(EntryRedirect.objects.filter(manual=manual).values_list("old_slug", "entry_id"))
    link_map.update(Entry.objects.filter(manual=manual).values_list("slug", "id"))
    return link_map


def values_in_review(manual: Manual) -> list[SharedValue]:
    """Changes to the manual's values waiting for a reviewer, oldest first: for the review queue."""
    return list(
        SharedValue.objects.filter(manual=manual, status=ValueStatus.IN_REVIEW)
        .select_related("submitted_by")
        .order_by("submitted_at", "pk")
    )


# Where values are used ----------------------------------------------------------------------------------------


@dataclass
class ValueUse:
    """An entry whose text uses a value: in what readers see (``live``), in its working copy (``draft``), or
    both."""

    entry_id: int
    slug: str
    title: str
    live: bool
    draft: bool


def value_uses(manual: Manual) -> dict[str, list[ValueUse]]:
    """Every name used in the manual's entries (live text or working copy), with the entries using it, by
    title. Retired entries are left out. One query."""
    rows = (
        Entry.objects.filter(manual=manual)
        .exclude(status=EntryStatus.RETIRED)
        .filter(Q(body__contains="{{") | Q(live_version__body__contains="{{"))
        .values_list("id", "slug", "title", "body", "live_version__body", "retired_at", "live_version__title")
    )
    uses: dict[str, list[ValueUse]] = {}
    for entry_id, slug, title, body, live_body, retired_at, live_title in rows:
        live_names = names_in(live_body) if live_body is not None and retired_at is None else set()
        draft_names = names_in(body)
        for name in live_names | draft_names:
            uses.setdefault(name, []).append(
                ValueUse(entry_id, slug, live_title or title, name in live_names, name in draft_names)
            )
    for entries in uses.values():
        entries.sort(key=lambda use: use.title.casefold())
    return uses


# What a change would do ---------------------------------------------------------------------------------------


@dataclass
class AffectedEntry:
    """An entry a value change touches, with the paragraphs that use the value as readers would see them."""

    entry: Entry
    publishes: bool  # its live text uses the value: a new version is published
    draft_uses: bool  # its working copy uses the value: the draft's preview follows the change
    has_draft: bool  # it has unpublished changes of its own, which stay a draft
    paragraphs: list[SafeString] = field(default_factory=list)
    unchanged: int = 0  # paragraphs of the text not shown


def affected_entries(shared_value: SharedValue, *, new_value: str, marked: bool = True) -> list[AffectedEntry]:
    """The entries changing ``shared_value`` to ``new_value`` touches, with the paragraphs of their text that use
    it rendered with the new value (the old one struck through when ``marked``): live text where the entry is
    live, else the working copy."""
    manual = shared_value.manual
    name = shared_value.name
    entries = (
        Entry.objects.filter(manual=manual)
        .exclude(status=EntryStatus.RETIRED)
        .filter(
            Q(body__contains="{{") | Q(live_version__body__contains="{{") | Q(scheduled_version__body__contains="{{")
        )
        .select_related("live_version", "scheduled_version")
        .order_by("title", "pk")
    )
    values = {**manual_values(manual), name: new_value}
    changed = {name: shared_value.value} if marked else {}
    link_map = rerender_link_map(manual)
    urls = None
    out = []
    for entry in entries:
        live = entry.live_version if entry.is_live else None
        scheduled = entry.scheduled_version  # approved, waiting for its effective date
        if live is not None and name not in names_in(live.body):
            live = None
        if scheduled is not None and name not in names_in(scheduled.body):
            scheduled = None
        publishes = live is not None or scheduled is not None
        draft_uses = name in names_in(entry.body)
        if not (publishes or draft_uses):
            continue
        if urls is None:
            urls = entry_link_urls(manual)
        text = (live or scheduled).body if publishes else entry.body
        blocks = [b for b in _BLOCK_SPLIT.split(text.strip("\n")) if b.strip()]
        shown = [b for b in blocks if name in names_in(b)]
        paragraphs = [
            mark_safe(  # noqa: S308 - sanitised by render_markdown; the value's text is escaped there
                resolve_entry_links(render_markdown(b, link_map=link_map, values=values, changed_values=changed), urls)
            )
            for b in shown
        ]
        out.append(
            AffectedEntry(
                entry=entry,
                publishes=publishes,
                draft_uses=draft_uses,
                has_draft=entry.has_unpublished_changes and entry.live_version_id is not None,
                paragraphs=paragraphs,
                unchanged=len(blocks) - len(shown),
            )
        )
    return out


def value_versions(shared_value: SharedValue) -> list:
    """The value's approved versions, newest first, with who approved them and how many entries each
    republished (``entry_count``)."""
    return list(
        shared_value.versions.select_related("approver", "author")
        .annotate(entry_count=Count("entry_versions__entry", distinct=True))
        .order_by("-number")
    )


def value_changes_between(manual: Manual, since) -> list[SharedValueVersion]:
    """Value changes approved after ``since`` (ever, if None) that republished entries, oldest first, each with
    ``entry_count``."""
    changes = SharedValueVersion.objects.filter(shared_value__manual=manual)
    if since:
        changes = changes.filter(approved_at__gt=since)
    return list(
        changes.annotate(entry_count=Count("entry_versions__entry", distinct=True))
        .filter(entry_count__gt=0)
        .order_by("approved_at", "pk")
    )


def release_note_lines(manual: Manual, since) -> tuple[list[str], dict[str, str]]:
    """For release notes: one line per value change since ``since`` ("**Refund window**: 30 days → 45 days
    (5 entries). Why."), and a short form of each change's summary for the revised entries it republished, so
    that the same long summary is not repeated under every one of them."""
    lines, short = [], {}
    for change in value_changes_between(manual, since):
        count = f"{change.entry_count} entr{'y' if change.entry_count == 1 else 'ies'}"
        reason = " ".join(change.reason.split())
        if reason and reason[-1] not in ".!?":
            reason += "."
        lines.append(f"- **{change.label}**: {change.previous_value} → {change.value} ({count}). {reason}".rstrip())
        short[change.change_summary] = f"{change.label} now {change.value}"
    return lines, short
