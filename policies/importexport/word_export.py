"""The published manual, or one entry, as a Word (.docx) document.

Made from what readers read: a snapshot's versions and their stored, sanitised HTML (never a draft, never
Markdown again). A small walker turns that HTML into Word paragraphs with python-docx: headings, paragraphs,
bold, italic and the other inline styles, lists (numbered lists start at 1 each time), tables, quotes, callouts,
code and links. Links between entries point at the entry inside the manual's document, and at the entry's page
in a single entry's document; links to entries readers cannot open keep their words only.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import docx
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

from ..models import EntryKind
from ..rendering.document import edition_label
from ..rendering.markdown import resolve_entry_links

if TYPE_CHECKING:
    from ..models import EntryVersion, Manual
    from ..selectors import ManualSnapshot

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)
MUTED_COLOUR = RGBColor(0x5B, 0x64, 0x70)
_KIND_LABELS = dict(EntryKind.choices)
_URL_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_BLOCK_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "div", "pre", "hr", "dl", "dt", "dd",
    "figure", "figcaption", "caption",
})  # fmt: skip
_INLINE_STYLES = {
    "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "u": "underline", "ins": "underline",
    "s": "strike", "del": "strike", "code": "code", "kbd": "code", "samp": "code", "sup": "sup", "sub": "sub",
    "mark": "highlight",
}  # fmt: skip
_VOID_TAGS = frozenset({"br", "hr", "img", "wbr", "col", "input", "meta", "link", "source"})


# The whole manual and one entry ---------------------------------------------------------------------------------


def manual_docx(snapshot: ManualSnapshot) -> bytes:
    """The manual of ``snapshot``: a cover (title, organisation, edition), the mission and vision, a list of
    contents linking to the entries, then each section (Heading 1, on a new page) with its entries (Heading 2)."""
    manual = snapshot.manual
    anchors: dict[int | str, str] = {}
    for page in snapshot.pages:
        anchors[page.version.entry_id] = anchors[page.entry_slug] = f"#{_bookmark_name(page.version)}"
    snapshot = snapshot.with_html(anchors)
    sections = [section for section in snapshot.sections if section.pages]
    prefetch_related_objects([p.version for s in sections for p in s.pages], "owner_user", "owner_team")

    doc = _new_document(title=manual.title, author=manual.organisation or manual.title)
    bookmarks = {name.lstrip("#") for name in anchors.values()}
    writer = _Writer(doc, heading_base=3, link_for=_link_resolver(bookmarks))
    writer.add(manual.title, "Title")
    if manual.organisation:
        writer.add(manual.organisation, "Subtitle")
    writer.add(edition_label(snapshot), "Entry Facts")
    for heading, html in (("Our mission", snapshot.mission_html), ("Our vision", snapshot.vision_html)):
        if html.strip():
            writer.add(heading, "Heading 1")
            writer.write(html)
    if sections:
        writer.add("Contents", "Heading 1")
        for section in sections:
            writer.add(section.title, "Contents Section")
            for page in section.pages:
                paragraph = writer.add("", "Contents Entry")
                writer.link_text(paragraph, page.version.title, ("anchor", _bookmark_name(page.version)))
    else:
        writer.add("Nothing has been published in this manual yet.")
    for section in sections:
        heading = writer.add(section.title, "Heading 1")
        heading.paragraph_format.page_break_before = True
        if section.intro_html.strip():
            writer.write(section.intro_html)
        for page in section.pages:
            heading = writer.add("", "Heading 2")
            _bookmark(heading, _bookmark_name(page.version), page.version.entry_id)
            heading.add_run(page.version.title)
            _entry_text(writer, page.version, page.html)
    _footer(doc, manual.title)
    return _save(doc)


def entry_docx(manual: Manual, version: EntryVersion, urls: dict[int | str, str]) -> bytes:
    """One published version: its title, facts line, summary and text. ``urls`` gives the pages of the entries
    readers can open (by entry id and slug); links to any other entry keep their words only."""
    prefetch_related_objects([version], "owner_user", "owner_team")
    doc = _new_document(title=version.title, author=manual.organisation or manual.title)
    writer = _Writer(doc, heading_base=1, link_for=_link_resolver(set()))
    writer.add(manual.title, "Entry Facts")
    writer.add(version.title, "Title")
    _entry_text(writer, version, resolve_entry_links(version.body_html, urls))
    _footer(doc, f"{manual.title} · {version.title}")
    return _save(doc)


def _entry_text(writer: _Writer, version: EntryVersion, html: str) -> None:
    writer.add(_facts(version), "Entry Facts")
    if version.summary:
        writer.add(version.summary, "Entry Summary")
    writer.write(html)


def _facts(version: EntryVersion) -> str:
    """The line under an entry's title, as on the print page: kind, channels, version, effective date, owner."""
    parts = [_KIND_LABELS.get(version.kind, version.kind), *version.channel_labels, f"Version {version.number}"]
    if version.effective_date:
        parts.append(f"Effective {date_format(version.effective_date, 'j F Y')}")
    if version.owner_label:
        parts.append(f"Owner: {version.owner_label}")
    return " · ".join(parts)


def _bookmark_name(version: EntryVersion) -> str:
    # Word allows letters, digits and underscores in a bookmark's name, starting with a letter, up to 40.
    return f"entry_{version.entry_id}"


def _link_resolver(bookmarks: set[str]):
    """``href`` -> ("url", address) for web, email and phone links, ("anchor", name) for a bookmark of this
    document, or None (an entry readers cannot open, a relative address): the words stay, the link goes."""

    def link_for(href: str):
        if href.startswith("#"):
            return ("anchor", href[1:]) if href[1:] in bookmarks else None
        if href.lower().startswith(_URL_SCHEMES):
            return ("url", href)
        return None

    return link_for


# The document itself ---------------------------------------------------------------------------------------------


def _new_document(*, title: str, author: str):
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, as the PDF
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments = title, author, author, ""
    props.created = props.modified = timezone.now()
    styles = doc.styles
    facts = styles.add_style("Entry Facts", WD_STYLE_TYPE.PARAGRAPH)
    facts.base_style = styles["Normal"]
    facts.font.size, facts.font.color.rgb = Pt(9), MUTED_COLOUR
    summary = styles.add_style("Entry Summary", WD_STYLE_TYPE.PARAGRAPH)
    summary.base_style = styles["Normal"]
    summary.font.italic, summary.font.size = True, Pt(12)
    contents = styles.add_style("Contents Section", WD_STYLE_TYPE.PARAGRAPH)
    contents.base_style = styles["Normal"]
    contents.font.bold = True
    contents.paragraph_format.space_before, contents.paragraph_format.space_after = Pt(8), Pt(2)
    entry = styles.add_style("Contents Entry", WD_STYLE_TYPE.PARAGRAPH)
    entry.base_style = styles["Normal"]
    entry.paragraph_format.left_indent, entry.paragraph_format.space_after = Cm(0.6), Pt(0)
    definition = styles.add_style("Definition", WD_STYLE_TYPE.PARAGRAPH)
    definition.base_style = styles["Normal"]
    definition.paragraph_format.left_indent = Cm(1)
    code = styles.add_style("Code Block", WD_STYLE_TYPE.PARAGRAPH)
    code.base_style = styles["Normal"]
    code.font.name, code.font.size = "Courier New", Pt(9)
    return doc


def _footer(doc, text: str) -> None:
    """``text`` and the page number at the foot of every page."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.style = doc.styles["Entry Facts"]
    paragraph.add_run(f"{text} · Page ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text_el = OxmlElement("w:t")
    text_el.text = "1"
    run.append(text_el)
    field.append(run)
    paragraph._p.append(field)


def _bookmark(paragraph, name: str, number: int) -> None:
    """Mark the start of ``paragraph`` as the target of internal links to ``name``."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.append(start)
    paragraph._p.append(end)


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# From HTML to Word ----------------------------------------------------------------------------------------------


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag, self.attrs, self.children = tag, attrs, []

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


class _TreeBuilder(HTMLParser):
    """The stored HTML as a small tree: it is sanitised and well formed, so a plain stack suffices."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _parse(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return builder.root


@dataclass(frozen=True)
class _Format:
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    code: bool = False
    sup: bool = False
    sub: bool = False
    highlight: bool = False


_PLAIN = _Format()


class _CellTarget:
    """A table cell as somewhere to write blocks: its first, empty paragraph is used before adding more."""

    def __init__(self, cell):
        self.cell = cell
        self.first = cell.paragraphs[0]

    def add_paragraph(self):
        if self.first is not None:
            paragraph, self.first = self.first, None
            return paragraph
        return self.cell.add_paragraph()

    def add_table(self, rows: int, cols: int):
        return self.cell.add_table(rows, cols)


class _Numbering:
    """Word list numbering: one bullet list definition, and a numbered one that starts again at each list."""

    def __init__(self, doc):
        self.numbering = doc.part.numbering_part.element
        ids = [int(n.get(qn("w:abstractNumId"))) for n in self.numbering.findall(qn("w:abstractNum"))]
        self.bullet_abstract, self.decimal_abstract = max(ids, default=0) + 1, max(ids, default=0) + 2
        self.last_num = max((int(n.get(qn("w:numId"))) for n in self.numbering.findall(qn("w:num"))), default=0)
        first_num = self.numbering.find(qn("w:num"))
        for abstract in (self._abstract(self.bullet_abstract, True), self._abstract(self.decimal_abstract, False)):
            # Every abstract definition must come before the first list instance.
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                self.numbering.append(abstract)
        self.bullets = self._num(self.bullet_abstract, start=None)

    @staticmethod
    def _abstract(abstract_id: int, bullet: bool):
        abstract = OxmlElement("w:abstractNum")
        abstract.set(qn("w:abstractNumId"), str(abstract_id))
        kind = OxmlElement("w:multiLevelType")
        kind.set(qn("w:val"), "multilevel")
        abstract.append(kind)
        for level in range(9):
            lvl = OxmlElement("w:lvl")
            lvl.set(qn("w:ilvl"), str(level))
            values = [("w:start", "1"), ("w:numFmt", "bullet" if bullet else "decimal")]
            values.append(("w:lvlText", "•◦▪"[level % 3] if bullet else f"%{level + 1}."))
            values.append(("w:lvlJc", "left"))
            for name, value in values:
                el = OxmlElement(name)
                el.set(qn("w:val"), value)
                lvl.append(el)
            ppr, ind = OxmlElement("w:pPr"), OxmlElement("w:ind")
            ind.set(qn("w:left"), str(360 * (level + 2)))
            ind.set(qn("w:hanging"), "360")
            ppr.append(ind)
            lvl.append(ppr)
            abstract.append(lvl)
        return abstract

    def _num(self, abstract_id: int, start: int | None) -> int:
        self.last_num += 1
        num_id = self.last_num
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(num_id))
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), str(abstract_id))
        num.append(ref)
        if start is not None:
            for level in range(9):
                override, start_el = OxmlElement("w:lvlOverride"), OxmlElement("w:startOverride")
                override.set(qn("w:ilvl"), str(level))
                start_el.set(qn("w:val"), str(start if level == 0 else 1))
                override.append(start_el)
                num.append(override)
        self.numbering.append(num)
        return num_id

    def numbered(self, start: int) -> int:
        return self._num(self.decimal_abstract, start=start)


class _Writer:
    """Writes sanitised HTML into a python-docx document.

    ``heading_base`` is the Word heading level of the HTML's ``h3`` (entries' text starts its headings at h3, one
    below the entry's title). ``link_for`` maps an ``href`` to a link target or None.
    """

    def __init__(self, doc, *, heading_base: int, link_for):
        self.doc = doc
        self.heading_base = heading_base
        self.link_for = link_for
        self.numbering = _Numbering(doc)
        self._space_before = True  # whether the text written last ended in a space (or nothing yet)
        self._style_ids: dict[str, str] = {}

    def write(self, html: str, container=None) -> None:
        self._blocks(_parse(html).children, container or self.doc)

    def link_text(self, paragraph, text: str, target) -> None:
        self._space_before = True
        self._inline([text], paragraph, _Format(), self._hyperlink(paragraph, target))

    # Blocks

    def add(self, text: str = "", style: str | None = None):
        """A paragraph at the end of the document."""
        paragraph = self._paragraph(self.doc, style)
        if text:
            paragraph.add_run(text)
        return paragraph

    def _paragraph(self, container, style: str | None = None):
        self._space_before = True
        paragraph = container.add_paragraph()
        if style is not None:
            # By id: python-docx looks a style's name up among all the styles on every paragraph, which made
            # the demo manual take seconds.
            style_id = self._style_ids.get(style)
            if style_id is None:
                style_id = self._style_ids[style] = self.doc.styles[style].style_id
            paragraph._p.style = style_id
        return paragraph

    def _blocks(self, nodes, container, style=None, fmt: _Format = _Format()) -> None:
        pending: list = []

        def flush():
            if any(isinstance(n, _Node) or n.strip() for n in pending):
                self._inline(pending, self._paragraph(container, style), fmt)
            pending.clear()

        for node in nodes:
            if isinstance(node, str) or node.tag not in _BLOCK_TAGS:
                pending.append(node)
                continue
            flush()
            self._block(node, container, style, fmt)
        flush()

    def _block(self, node: _Node, container, style, fmt: _Format) -> None:
        tag = node.tag
        if tag == "p":
            if node.has_class("callout-title"):
                fmt = replace(fmt, bold=True)
            self._inline(node.children, self._paragraph(container, style), fmt)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = min(9, max(1, int(tag[1]) - 3 + self.heading_base))
            self._inline(node.children, self._paragraph(container, f"Heading {level}"), fmt)
        elif tag in ("ul", "ol"):
            self._list(node, container, 0)
        elif tag == "table":
            self._table(node, container)
        elif tag == "blockquote":
            self._blocks(node.children, container, "Quote", fmt)
        elif tag == "div" and node.has_class("callout"):
            self._blocks(node.children, container, "Intense Quote", fmt)
        elif tag == "pre":
            self._preformatted(node, self._paragraph(container, "Code Block"))
        elif tag == "hr":
            self._paragraph(container, style)
        elif tag == "dt":
            self._blocks(node.children, container, style, replace(fmt, bold=True))
        elif tag == "dd":
            self._blocks(node.children, container, "Definition", fmt)
        else:  # div, figure, figcaption, caption, dl: their content
            self._blocks(node.children, container, style, fmt)

    def _list(self, node: _Node, container, depth: int) -> None:
        if node.tag == "ol":
            start = node.attrs.get("start", "1")
            num_id = self.numbering.numbered(int(start) if start.isdigit() else 1)
        else:
            num_id = self.numbering.bullets
        for item in node.children:
            if isinstance(item, _Node) and item.tag == "li":
                self._list_item(item, container, depth, num_id)

    def _list_item(self, item: _Node, container, depth: int, num_id: int) -> None:
        """The item's words go in one numbered paragraph; its further paragraphs are indented to match, and a
        list inside it is one level deeper."""
        paragraph = None
        pending: list = []

        def flush():
            nonlocal paragraph
            if not any(isinstance(n, _Node) or n.strip() for n in pending):
                pending.clear()
                return
            if paragraph is None:
                paragraph = self._numbered_paragraph(container, num_id, depth)
                self._inline(pending, paragraph, _Format())
            else:
                continued = self._paragraph(container, "List Paragraph")
                continued.paragraph_format.left_indent = Twips(360 * (min(depth, 8) + 2))
                self._inline(pending, continued, _Format())
            pending.clear()

        for child in item.children:
            if isinstance(child, _Node) and child.tag in ("ul", "ol"):
                flush()
                if paragraph is None:
                    paragraph = self._numbered_paragraph(container, num_id, depth)
                self._list(child, container, depth + 1)
            elif isinstance(child, _Node) and child.tag == "p":
                flush()
                pending.extend(child.children)
                flush()
            elif isinstance(child, _Node) and child.tag in _BLOCK_TAGS:
                flush()
                self._block(child, container, None, _Format())
            else:
                pending.append(child)
        flush()
        if paragraph is None:
            self._numbered_paragraph(container, num_id, depth)

    def _numbered_paragraph(self, container, num_id: int, depth: int):
        paragraph = self._paragraph(container, "List Paragraph")
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = min(depth, 8)
        num_pr.get_or_add_numId().val = num_id
        return paragraph

    def _table(self, node: _Node, container) -> None:
        rows = [tr for tr in _descendants(node, "tr", stop={"table"})]
        cells = [[c for c in tr.children if isinstance(c, _Node) and c.tag in ("td", "th")] for tr in rows]
        columns = max((len(row) for row in cells), default=0)
        if not columns:
            return
        table = container.add_table(len(rows), columns)
        table.style = self.doc.styles["Table Grid"]
        for table_row, row in zip(table.rows, cells, strict=True):
            if row and all(cell.tag == "th" for cell in row):
                header = OxmlElement("w:tblHeader")  # repeated at the top of each page the table runs onto
                table_row._tr.get_or_add_trPr().append(header)
            for cell, cell_node in zip(table_row.cells, row, strict=False):
                target = _CellTarget(cell)
                fmt = _Format(bold=cell_node.tag == "th")
                self._blocks(cell_node.children, target, None, fmt)
                align = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}.get(
                    cell_node.attrs.get("align", "")
                )
                if align is not None:
                    for paragraph in target.cell.paragraphs:
                        paragraph.alignment = align
        if isinstance(container, _CellTarget):
            container.first = None
        else:
            self._paragraph(container)  # Word joins two tables that touch; a paragraph keeps them apart

    def _preformatted(self, node: _Node, paragraph) -> None:
        lines = _text_of(node).strip("\n").split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            if index < len(lines) - 1:
                run.add_break()

    # Inline

    def _inline(self, nodes, paragraph, fmt: _Format, link=None) -> None:
        for node in nodes:
            if isinstance(node, str):
                self._text(node, paragraph, fmt, link)
                continue
            tag = node.tag
            if tag in _INLINE_STYLES:
                self._inline(node.children, paragraph, replace(fmt, **{_INLINE_STYLES[tag]: True}), link)
            elif tag == "br":
                self._run(paragraph, "", fmt, link).add_break()
                self._space_before = True
            elif tag == "a":
                target = self.link_for(node.attrs.get("href", "")) if link is None else None
                inner = self._hyperlink(paragraph, target) if target else link
                self._inline(node.children, paragraph, fmt, inner)
            elif tag == "img":
                alt = node.attrs.get("alt", "").strip()
                if alt:
                    self._text(f"[Image: {alt}]", paragraph, fmt, link)
            else:  # span, abbr, and blocks met where only words fit
                self._inline(node.children, paragraph, fmt, link)

    def _text(self, text: str, paragraph, fmt: _Format, link) -> None:
        text = re.sub(r"\s+", " ", text)
        if self._space_before:
            text = text.lstrip()
        if text:
            self._run(paragraph, text, fmt, link)
            self._space_before = text.endswith(" ")

    def _run(self, paragraph, text: str, fmt: _Format, link):
        run = paragraph.add_run(text)
        if fmt != _PLAIN or link is not None:  # each property set costs an XML search: only set what is on
            font = run.font
            for name in ("bold", "italic", "strike"):
                if getattr(fmt, name):
                    setattr(font, name, True)
            if fmt.underline or link is not None:
                font.underline = True
            if fmt.sup:
                font.superscript = True
            if fmt.sub:
                font.subscript = True
            if fmt.code:
                font.name = "Courier New"
            if fmt.highlight:
                font.highlight_color = WD_COLOR_INDEX.YELLOW
            if link is not None:
                font.color.rgb = LINK_COLOUR
        if link is not None:
            link.append(run._r)
        return run

    def _hyperlink(self, paragraph, target):
        kind, value = target
        link = OxmlElement("w:hyperlink")
        if kind == "url":
            link.set(qn("r:id"), paragraph.part.relate_to(value, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
        else:
            link.set(qn("w:anchor"), value)
        paragraph._p.append(link)
        return link


def _descendants(node: _Node, tag: str, *, stop: set[str]):
    """Elements named ``tag`` under ``node``, not looking inside elements named in ``stop`` (a nested table's
    rows are its own)."""
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == tag:
                yield child
            elif child.tag not in stop:
                yield from _descendants(child, tag, stop=stop)


def _text_of(node: _Node) -> str:
    return "".join(child if isinstance(child, str) else _text_of(child) for child in node.children)
