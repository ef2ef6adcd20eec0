"""Markdown to sanitised HTML, run once when the source changes and stored beside it.

Links between entries are written as ``[refund policy](refund-policy.md)`` or ``[refund policy](refund-policy)``.
They are stored as ``href="#pm-entry-<id>"`` so that they survive a slug change, and turned into real URLs
when a page is shown (``resolve_entry_links``): one dictionary lookup per link, no Markdown at read time.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from html import escape
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

ENTRY_LINK_PREFIX = "#pm-entry-"
SLUG_LINK_PREFIX = "#pm-slug-"

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark",
    "sub", "sup", "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "caption", "a", "img", "div", "span", "abbr", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
    # No "id" anywhere: a body could otherwise take over another entry's anchor in the print page and PDF.
}
ALLOWED_CLASSES = {
    "div": {"callout", "callout-note", "callout-warning", "callout-tip", "callout-important"},
    "p": {"callout-title"},
    "a": {"xref"},
    "code": {f"language-{lang}" for lang in ("text", "html", "json", "python", "bash", "markdown")},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Tags whose content is dropped with them, not kept as text.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math", "form"}

CALLOUT_KINDS = {"note": "Note", "warning": "Warning", "tip": "Tip", "important": "Important", "caution": "Warning"}
_CALLOUT_MARK = re.compile(r"^\s*\[!(\w+)\]\s*", re.IGNORECASE)
_HEADING_SHIFT = {"h1": "h3", "h2": "h3", "h3": "h4", "h4": "h5", "h5": "h6", "h6": "h6"}
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def link_target_slug(href: str) -> str | None:
    """The entry slug an author's link points at, or None for an ordinary link.

    ``refund-policy.md``, ``./refund-policy.md`` and ``refund-policy`` all name the entry ``refund-policy``.
    Raises ValueError for an address urllib cannot read (``http://[x]/``): no reader could follow it either.
    """
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = parts.path.removeprefix("./")
    if "/" in path:
        return None
    if path.endswith(".md"):
        path = path[:-3]
    return path if _SLUG_RE.match(path) else None


class _ManualTreeprocessor(Treeprocessor):
    def __init__(self, md, link_map: Mapping[str, int] | None, broken: list[str], bad: list[str]):
        super().__init__(md)
        self.link_map = link_map or {}
        self.broken = broken
        self.bad = bad

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.tag in _HEADING_SHIFT:
                el.tag = _HEADING_SHIFT[el.tag]
            elif el.tag == "a":
                self._link(el)
            elif el.tag in ("td", "th"):
                # Python-Markdown aligns table cells with style="text-align: x", which the sanitiser drops.
                style = el.attrib.pop("style", "")
                match = re.search(r"text-align:\s*(left|right|center)", style)
                if match:
                    el.set("align", match.group(1))
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "blockquote":
                    self._callout(parent, index, child)

    def _link(self, el: etree.Element) -> None:
        href = el.get("href", "")
        try:
            slug = link_target_slug(href)
        except ValueError:
            # Not an address at all: reported with the broken links, and its words stay without a target.
            self.bad.append(href)
            del el.attrib["href"]
            return
        if slug is None:
            return
        entry_id = self.link_map.get(slug)
        if entry_id is not None:
            el.set("href", f"{ENTRY_LINK_PREFIX}{entry_id}")
        elif href.endswith(".md"):
            # No such entry yet: keep the slug, so the link works once an entry of that name is published.
            self.broken.append(slug)
            el.set("href", f"{SLUG_LINK_PREFIX}{slug}")
        else:
            return  # an ordinary relative link
        el.set("class", "xref")

    def _callout(self, parent: etree.Element, index: int, quote: etree.Element) -> None:
        """``> [!WARNING] text`` or ``> **Warning:** text`` becomes a callout box, not a quotation."""
        if not len(quote) or quote[0].tag != "p":
            return
        first = quote[0]
        kind = None
        text = first.text or ""
        match = _CALLOUT_MARK.match(text)
        if match and match.group(1).lower() in CALLOUT_KINDS:
            kind = match.group(1).lower()
            first.text = text[match.end() :]
        elif not text.strip() and len(first) and first[0].tag == "strong":
            strong = first[0]
            label = (strong.text or "").strip()
            tail = (strong.tail or "").lstrip()
            has_colon = label.endswith(":") or tail.startswith(":")
            label = label.rstrip(":").strip().lower()
            if has_colon and label in ("note", "warning", "tip", "important"):
                kind = label
                first.remove(strong)
                first.text = tail.removeprefix(":").lstrip()
        if kind is None:
            return
        div = etree.Element("div", {"class": f"callout callout-{'warning' if kind == 'caution' else kind}"})
        title = etree.SubElement(div, "p", {"class": "callout-title"})
        title.text = CALLOUT_KINDS[kind]
        for child in list(quote):
            div.append(child)
        if first.text is not None and not first.text.strip() and not len(first):
            div.remove(first)
        div.tail = quote.tail
        parent.remove(quote)
        parent.insert(index, div)


class _SplitQuotesPreprocessor(Preprocessor):
    """A blank line ends a block quote, as readers of the source expect.

    Python-Markdown would merge two quotes separated by a blank line into one, which would swallow a script
    into the callout before it.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for index, line in enumerate(lines):
            if (
                not line.strip()
                and out
                and out[-1].lstrip().startswith(">")
                and index + 1 < len(lines)
                and lines[index + 1].lstrip().startswith(">")
            ):
                out.extend(["", "<!-- -->", ""])
                continue
            out.append(line)
        return out


# A shared value in an entry's text: ``{{ refund_window }}``, spaces optional. Anything between double braces is
# taken for a name, so a misspelt or unknown one is refused instead of reaching readers as braces. A backslash
# (``\{{``) or a code span keeps the braces as they are.
VALUE_TOKEN = r"\{\{\s*([^{}\n]{1,60}?)\s*\}\}"


class _ValueInlineProcessor(InlineProcessor):
    """Mark where a shared value's text goes. The text itself is put in only after sanitising, escaped
    (``_fill_values``), so it is never read as Markdown or HTML: a value cannot add a link, a tag or emphasis."""

    def __init__(self, md, values: Mapping[str, str], changed: Mapping[str, str], seen: _Values):
        super().__init__(VALUE_TOKEN, md)
        self.values, self.changed, self.seen = values, changed, seen

    def handleMatch(self, m: re.Match, data: str):
        name = m.group(1)
        if name not in self.values:
            self.seen.unknown.append(name)
            return None, None, None  # left as typed; the services refuse it
        self.seen.used.add(name)
        if name not in self.changed:
            return AtomicString(self.seen.slot(self.values[name])), m.start(0), m.end(0)
        # A preview of a change: the old text struck through, the new one marked as added.
        span = etree.Element("span")
        old = etree.SubElement(span, "del")
        old.text = AtomicString(self.seen.slot(self.changed[name]))
        old.tail = AtomicString(" ")
        new = etree.SubElement(span, "ins")
        new.text = AtomicString(self.seen.slot(self.values[name]))
        return span, m.start(0), m.end(0)


# Private-use characters stand for a value's text through Markdown and the sanitiser; any an author typed are
# dropped first, so only the renderer's own can be filled in.
_SLOT_OPEN, _SLOT_CLOSE = "\ue010", "\ue011"
_SLOT_RE = re.compile(_SLOT_OPEN + r"(\d+)" + _SLOT_CLOSE)
_NO_SLOTS = str.maketrans("", "", _SLOT_OPEN + _SLOT_CLOSE)


class _Values:
    def __init__(self):
        self.used: set[str] = set()
        self.unknown: list[str] = []
        self.texts: list[str] = []

    def slot(self, text: str) -> str:
        self.texts.append(text)
        return f"{_SLOT_OPEN}{len(self.texts) - 1}{_SLOT_CLOSE}"


def _fill_values(html: str, seen: _Values) -> str:
    return _SLOT_RE.sub(lambda m: escape(seen.texts[int(m.group(1))], quote=True), html) if seen.texts else html


class _ManualExtension(Extension):
    def __init__(self, link_map, broken, bad, values=None, changed=None, seen=None):
        super().__init__()
        self.link_map = link_map
        self.broken, self.bad = broken, bad
        self.values, self.changed, self.seen = values, changed or {}, seen

    def extendMarkdown(self, md):
        md.preprocessors.register(_SplitQuotesPreprocessor(md), "policy_manual_quotes", 25)
        md.treeprocessors.register(_ManualTreeprocessor(md, self.link_map, self.broken, self.bad), "policy_manual", 1)
        if self.values is not None:
            # After code spans, escapes and links (so a link's address is never a value), before emphasis.
            processor = _ValueInlineProcessor(md, self.values, self.changed, self.seen)
            md.inlinePatterns.register(processor, "policy_manual_values", 105)


def sanitize_html(html: str) -> str:
    """Keep only an allowlist of tags, attributes, classes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


class RenderResult(str):
    """The sanitised HTML, with the entry slugs of ``.md`` links that did not resolve, the links whose address
    cannot be read at all (``bad_addresses``, as typed), and the shared values the text used (``values_used``) or
    named without there being such a value (``unknown_values``, as typed)."""

    broken_links: list[str]
    bad_addresses: list[str]
    values_used: set[str]
    unknown_values: list[str]


def render_markdown(
    text: str,
    *,
    link_map: Mapping[str, int] | None = None,
    values: Mapping[str, str] | None = None,
    changed_values: Mapping[str, str] | None = None,
) -> RenderResult:
    """Render an author's Markdown to sanitised HTML.

    ``link_map`` maps entry slugs of the same manual to entry ids; links to them are stored by id.
    ``values`` maps the manual's shared value names to their text, put in place of ``{{ name }}`` as plain text
    (without it, braces are left alone). ``changed_values`` maps names to an older text, shown struck through
    before the new one: for previewing a change.
    """
    broken: list[str] = []
    bad: list[str] = []
    seen = _Values()
    md = markdown.Markdown(
        extensions=[
            "tables", "fenced_code", "sane_lists", "def_list", "abbr",
            _ManualExtension(link_map, broken, bad, values, changed_values, seen),
        ],
        output_format="html",
    )  # fmt: skip
    text = text or ""
    if values is not None:
        text = text.translate(_NO_SLOTS)
    html = _fill_values(sanitize_html(md.convert(text)), seen)
    result = RenderResult(html)
    result.broken_links = broken
    result.bad_addresses = list(dict.fromkeys(bad))
    result.values_used = seen.used
    result.unknown_values = list(dict.fromkeys(seen.unknown))
    return result


_ENTRY_HREF = re.compile(
    r'href="(?:' + re.escape(ENTRY_LINK_PREFIX) + r"(\d+)|" + re.escape(SLUG_LINK_PREFIX) + r'([a-z0-9_-]+))"'
)


def resolve_entry_links(html: str, url_for: Callable[[int | str], str | None] | Mapping[int | str, str]) -> str:
    """Replace stored entry links by the URLs the current page needs.

    Links are stored by entry id, or by slug where no entry had that slug when the text was saved.
    ``url_for`` gives the URL of an entry id or slug (a page in the browser, an anchor in the print page and
    the PDF), or None where the reader cannot follow it (not published); such a link keeps its text and loses
    its target.
    """
    lookup = url_for.get if isinstance(url_for, Mapping) else url_for

    def replace(match: re.Match) -> str:
        key = int(match.group(1)) if match.group(1) else match.group(2)
        url = lookup(key)
        if url is None:
            return 'aria-disabled="true"'
        return f'href="{url}"'

    return _ENTRY_HREF.sub(replace, html)


def reader_renderer(
    *, link_map: Mapping[str, int], urls: Mapping[int | str, str], values: Mapping[str, str] | None = None
) -> Callable[[str], str]:
    """Markdown to the HTML a reader of one view sees, for rendering many pieces of text (a diff's paragraphs):
    rendered with the manual's ``link_map`` (and its shared ``values``, where the text still holds them), links
    pointing at the view's pages (``urls``)."""

    def render(text: str) -> str:
        return resolve_entry_links(render_markdown(text, link_map=link_map, values=values), urls)

    return render
