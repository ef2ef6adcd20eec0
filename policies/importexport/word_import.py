"""Word (.docx) files as draft entries: each file of an upload becomes one draft, which goes through review.

Reading is two steps, kept apart so that the browser can show what will happen before anything is written:

- ``word_import_plan`` checks every file and converts it (mammoth turns the .docx into HTML, markdownify the
  HTML into the manual's Markdown) without writing anything. A bad file raises ``ManualImportError`` with a
  ``Problem`` naming it, after every file was looked at, so one upload reports all its problems at once.
- ``word_import`` writes the checked plans through ``entry_save_draft``, all in one transaction: every file
  becomes a draft, or none does.

What is kept: the title (Word's Title style, else a heading the document starts with, else the file name), the
subtitle as the summary, headings (the highest level left becomes ``##``), paragraphs, bold and italic, lists,
tables, quotes, and links to web and email addresses. Images and other links are left out, with a warning.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from urllib.parse import urlsplit

import mammoth
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from markdownify import MarkdownConverter, abstract_inline_conversion

from .. import services
from ..models import Entry, EntryKind, Manual, Section
from ..permissions import can_import_word
from ..slugs import numbered_slug, slug_from_title
from ..text import normalise_text
from .folder import ManualImportError, Problem

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 20
# A .docx is a zip: a small file can unpack to a great deal of XML. Real documents of 5 MB unpack to far less.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_TITLE = Entry._meta.get_field("title").max_length
MAX_SUMMARY = Entry._meta.get_field("summary").max_length
PREVIEW_LINES = 6

# The start of an OLE compound file: Word 97-2003 documents, and .docx files protected by a password.
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_KEPT_SCHEMES = {"http", "https", "mailto"}
# Word's own styles that carry meaning beyond mammoth's defaults (headings, lists, footnotes), and the two of the
# app's Word download, so that an entry downloaded, edited in Word and imported keeps its summary and loses the
# line of facts (kind, version, owner) that the app writes itself.
STYLE_MAP = """
p[style-name='Title'] => h1.pm-title:fresh
p[style-name='Subtitle'] => p.pm-subtitle:fresh
p[style-name='Entry Summary'] => p.pm-subtitle:fresh
p[style-name='Entry Facts'] => !
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Body Text'] => p:fresh
p[style-name='No Spacing'] => p:fresh
r[style-name='Emphasis'] => em
r[style-name='Intense Emphasis'] => strong
r[style-name='Strong'] => strong
"""
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_UNKNOWN_STYLE = re.compile(r"Unrecognised (paragraph|run) style: '?(.*?)'? \(Style ID: [^)]*\)")
# "<" that would open an HTML tag in Markdown ("Say <customer name>"): the sanitiser would drop the words.
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
# mammoth puts footnotes and endnotes in a numbered list at the end, each with a link back to its citation.
_NOTE_BACKLINK = re.compile(r"#(footnote|endnote)-ref-")


@dataclass
class WordEntryPlan:
    """One Word file as it will become a draft. Kept in the session between the preview and the confirmation,
    so it holds plain values only."""

    file: str
    title: str
    slug: str
    summary: str
    body: str
    warnings: list[str] = field(default_factory=list)
    slug_taken: str = ""  # the address the title suggested, when another entry has it

    @property
    def first_lines(self) -> list[str]:
        return [line for line in self.body.splitlines() if line.strip()][:PREVIEW_LINES]

    @property
    def more_lines(self) -> bool:
        return len([line for line in self.body.splitlines() if line.strip()]) > PREVIEW_LINES

    def as_dict(self) -> dict:
        return asdict(self)


class _Refused(Exception):
    """A file that cannot be imported; the message says why, without the file's name."""


# Reading -------------------------------------------------------------------------------------------------------


def word_import_plan(*, manual: Manual, files) -> list[WordEntryPlan]:
    """Check and convert uploaded Word files (Django ``File`` objects: a name, a size, ``read()``).

    Writes nothing. Raises ``ManualImportError`` with one ``Problem`` per bad file. Slugs are suggested from
    the titles, numbered (``-2``, ``-3``) where an entry of the manual or an earlier file of the upload has it.
    """
    files = list(files)
    if not files:
        raise ManualImportError([Problem("upload", "choose at least one .docx file")])
    if len(files) > MAX_FILES:
        raise ManualImportError([Problem("upload", f"{len(files)} files; import at most {MAX_FILES} at a time")])
    plans, problems = [], []
    for upload in files:
        name = PurePath(upload.name or "").name or "file"
        try:
            plans.append(_read_word_file(name, upload))
        except _Refused as exc:
            problems.append(Problem(name, str(exc)))
    if problems:
        raise ManualImportError(problems)
    _suggest_slugs(manual, plans)
    return plans


def _read_word_file(name: str, upload) -> WordEntryPlan:
    """One file as a plan (its slug not yet checked against the manual). Raises ``_Refused``."""
    lower = name.lower()
    if not lower.endswith(".docx"):
        if lower.endswith((".doc", ".rtf", ".odt")):
            raise _Refused("only .docx files can be imported; open it in Word and save it as a Word document (.docx)")
        raise _Refused("not a Word document: only .docx files can be imported")
    size = upload.size
    if size > MAX_FILE_BYTES:
        megabytes = math.ceil(size / 1024 / 1024 * 10) / 10
        raise _Refused(f"{megabytes} MB, more than the {MAX_FILE_BYTES // 1024 // 1024} MB a file may be")
    if not size:
        raise _Refused("the file is empty")
    data = upload.read()
    if data.startswith(_OLE_MAGIC):
        raise _Refused(
            "an older Word document, or one protected by a password; save it as a .docx without a password "
            "and upload it again"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _Refused("not a valid .docx file: it is damaged, or another kind of file renamed to .docx") from None
    if "word/document.xml" not in names:
        raise _Refused("not a Word document: the file is a zip archive without word/document.xml")
    if unpacked > MAX_UNPACKED_BYTES:
        raise _Refused(f"unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB, too much to import")
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=STYLE_MAP,
            # Images are left out: never read them, nor inline them as data URLs.
            convert_image=mammoth.images.img_element(lambda image: {"src": ""}),
        )
    except Exception:  # mammoth raises many kinds of error on broken XML or missing parts; each means the same here
        raise _Refused("could not be read as a Word document: the file may be damaged") from None
    title, summary, body, warnings = html_to_markdown(result.value)
    if not (title or summary or body):
        raise _Refused("the document has no text to import")
    warnings = _word_warnings(result.messages) + warnings
    if not (summary or body):
        warnings.append("The document has a title but no text.")
    title = title or _title_from_file_name(name)
    return WordEntryPlan(
        file=name, title=title[:MAX_TITLE].strip(), slug="", summary=summary, body=body, warnings=warnings
    )


def html_to_markdown(html: str) -> tuple[str, str, str, list[str]]:
    """mammoth's HTML as (title, summary, Markdown body, warnings). The title and summary are empty when the
    document has none."""
    soup = BeautifulSoup(html, "html.parser")
    warnings: list[str] = []
    title = _take_title(soup)
    summary = ""
    for subtitle in soup.select("p.pm-subtitle"):
        if not summary:
            summary = " ".join(subtitle.get_text(" ").split())[:MAX_SUMMARY]
            subtitle.decompose()
        else:
            del subtitle["class"]
    _renumber_headings(soup)
    for table in soup.find_all("table"):
        first_row = table.find("tr")
        # The first row becomes the Markdown table's header, which is shown bold anyway.
        for bold in first_row.find_all(["strong", "b"]) if first_row else ():
            bold.unwrap()
    images = soup.find_all("img")
    for image in images:
        image.decompose()
    if images:
        warnings.append(
            f"{_count(len(images), 'image')} left out: entries hold text only. Describe in words anything a "
            "picture showed that readers need."
        )
    dropped = _filter_links(soup)
    if dropped:
        warnings.append(
            f"{_count(dropped, 'link')} kept as plain text: only links to web pages (http, https) and email "
            "addresses are kept."
        )
    markdown = _Converter().convert_soup(soup)
    body = re.sub(r"\n{3,}", "\n\n", normalise_text(markdown)).strip("\n")
    return title, summary, body, warnings


def _take_title(soup: BeautifulSoup) -> str:
    """Remove and return the title: a paragraph in Word's Title style, else a heading the document starts with."""
    for candidate in soup.select("h1.pm-title"):
        text = " ".join(candidate.get_text(" ").split())
        if text:
            candidate.decompose()
            for other in soup.select("h1.pm-title"):
                del other["class"]  # a second title paragraph is a heading like any other
            return text
        candidate.decompose()
    first = next((el for el in soup.children if getattr(el, "name", None) or str(el).strip()), None)
    if first is not None and getattr(first, "name", None) in _HEADINGS:
        text = " ".join(first.get_text(" ").split())
        if text:
            first.decompose()
            return text
    return ""


def _renumber_headings(soup: BeautifulSoup) -> None:
    """The highest heading level left becomes ``##`` (the entry's title is above it), the next ``###``, and so on:
    a document whose sections are Heading 1 and one whose sections are Heading 2 read the same."""
    headings = soup.find_all(_HEADINGS)
    levels = sorted({int(h.name[1]) for h in headings})
    rank = {level: min(6, 2 + index) for index, level in enumerate(levels)}
    for heading in headings:
        heading.name = f"h{rank[int(heading.name[1])]}"
        heading.attrs = {}


def _filter_links(soup: BeautifulSoup) -> int:
    """Keep links to web and email addresses; unwrap the rest (their words stay). Returns how many were dropped,
    not counting the document's own bookmarks and footnote references, which are expected to go."""
    dropped = 0
    for link in soup.find_all("a"):
        href = (link.get("href") or "").strip()
        if _NOTE_BACKLINK.match(href):
            link.decompose()  # the "↑" after each footnote, back to where it was cited
            continue
        try:
            scheme = urlsplit(href).scheme.lower() if href else ""
        except ValueError:  # not an address at all (``http://[x]/``): its words stay, as for any other dropped link
            scheme = ""
        if scheme in _KEPT_SCHEMES:
            # Spaces and brackets would end a Markdown link early.
            link.attrs = {"href": href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")}
            continue
        if href and not href.startswith("#"):
            dropped += 1
        link.unwrap()
    return dropped


class _Converter(MarkdownConverter):
    """markdownify, tuned to the Markdown the app renders (Python-Markdown with tables, then the sanitiser)."""

    def __init__(self, **options):
        options = {
            "heading_style": "ATX",
            "bullets": "-",
            "table_infer_header": True,  # Word tables rarely mark a header row; Markdown tables need one
            "sup_symbol": "<sup>",
            "sub_symbol": "<sub>",
            **options,
        }
        super().__init__(**options)

    def escape(self, text, parent_tags):
        return _TAG_START.sub("&lt;", super().escape(text, parent_tags))

    def convert_li(self, el, text, parent_tags):
        # Python-Markdown nests a list only under four spaces; markdownify indents by the bullet's width.
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = int(parent["start"]) if str(parent.get("start", "")).isdigit() else 1
            bullet = f"{start + len(el.find_previous_siblings('li'))}. "
        else:
            bullet = "- "
        lines = text.split("\n")
        rest = [("    " + line) if line.strip() else "" for line in lines[1:]]
        return "\n".join([bullet + lines[0], *rest]) + "\n"

    def convert_td(self, el, text, parent_tags):
        return super().convert_td(el, _cell_text(text), parent_tags)

    def convert_th(self, el, text, parent_tags):
        return super().convert_th(el, _cell_text(text), parent_tags)

    # Python-Markdown has no ~~strike~~; the sanitiser keeps <del>.
    convert_s = abstract_inline_conversion(lambda self: "<del>")
    convert_del = convert_s


def _cell_text(text: str) -> str:
    """A table cell on one line, as Markdown tables need: its paragraphs run together, its pipes escaped."""
    return " ".join(text.split()).replace("|", r"\|")


def _word_warnings(messages) -> list[str]:
    """mammoth's messages in the words of someone who wrote the document, each once."""
    out: list[str] = []
    for message in messages:
        match = _UNKNOWN_STYLE.match(message.message)
        if match and match.group(2).startswith("List"):
            continue  # list styles: their paragraphs come in as list items through their numbering
        if match and match.group(1) == "paragraph":
            text = f"Paragraphs in the Word style “{match.group(2)}” came in as ordinary paragraphs."
        elif match:
            text = f"Text in the Word style “{match.group(2)}” came in without that style."
        else:
            text = message.message
        if text not in out:
            out.append(text)
    return out


def _title_from_file_name(name: str) -> str:
    stem = " ".join(re.sub(r"[_-]+", " ", PurePath(name).stem).split()) or "Imported entry"
    return stem[0].upper() + stem[1:]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _suggest_slugs(manual: Manual, plans: list[WordEntryPlan]) -> None:
    """Give each plan the address its title suggests, numbered past the manual's entries and earlier files."""
    taken = set(Entry.objects.filter(manual=manual).values_list("slug", flat=True))
    for plan in plans:
        base = slug_from_title(plan.title)
        plan.slug = numbered_slug(base, taken)
        plan.slug_taken = base if plan.slug != base else ""
        taken.add(plan.slug)


# Writing -------------------------------------------------------------------------------------------------------


@transaction.atomic
def word_import(*, manual: Manual, user, section: Section, kind: str, plans: list[WordEntryPlan]) -> list[Entry]:
    """Create one draft entry per plan, placed at the end of ``section``: all of them, or none.

    Readers see nothing until each draft is approved. The addresses are checked again here (another entry may
    have taken one since the preview) and numbered past any that are now taken. Raises ``PermissionDenied``,
    or ``ManualImportError`` naming the file a draft could not be saved for.
    """
    if not can_import_word(user):
        raise PermissionDenied("Only editors and managers can import Word files.")
    if section.manual_id != manual.pk:
        raise ValueError("The section belongs to another manual.")
    if kind not in EntryKind.values:
        raise ValueError(f"Not a kind of entry: {kind}")
    _suggest_slugs(manual, plans)
    last = Entry.objects.filter(manual=manual, section=section).aggregate(last=Max("order"))["last"]
    order = 0 if last is None else last + 1
    created = []
    for plan in plans:
        data = {
            "title": plan.title, "slug": plan.slug, "kind": kind, "section": section, "order": order,
            "summary": plan.summary, "body": plan.body,
        }  # fmt: skip
        try:
            entry = services.entry_save_draft(
                entry=None, manual=manual, user=user, data=data, reason=f"Imported from the Word file {plan.file}"
            )
        except ValidationError as exc:
            raise ManualImportError([Problem(plan.file, " ".join(exc.messages))]) from None
        created.append(entry)
        order += 1
    return created
