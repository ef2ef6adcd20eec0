"""The whole manual as one self-contained HTML document: the print page and the source of the PDF.

One template, ``policies/document.html``, serves both. Its stylesheets are static files it links to, so the page
runs under a Content-Security-Policy without inline styles: ``css/document.css`` always, plus the paged-media rules
of ``css/document-print.css`` (cover, contents with page numbers, running header, "Page X of Y") when it is made
for the PDF, which WeasyPrint reads from the static directory. The exported HTML file must open anywhere on its
own, so ``inline_stylesheets`` puts the sheets' text in place of the links there.

Speed matters: the print page of a 500-entry manual must cost a small fraction of converting its Markdown. The
template is one flat loop, and each entry's line of facts is built here, every token escaped, rather than from
a dozen template lookups per entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from html import escape
from typing import TYPE_CHECKING

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.db.models import prefetch_related_objects
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from ..models import EntryKind
from .parts import parts_html

if TYPE_CHECKING:
    from ..models import EntryVersion
    from ..selectors import ManualSnapshot

# Bump when the document's layout or stylesheets change, so stored PDFs made with the old layout are remade.
LAYOUT_VERSION = 2

TEMPLATE = "policies/document.html"
SCREEN_CSS = "css/document.css"
PDF_CSS = "css/document-print.css"
# The spaces around it are where a long line of facts may wrap.
_SEPARATOR = ' <span class="sep">·</span> '
_KIND_LABELS = dict(EntryKind.choices)


@dataclass(frozen=True)
class _PrintedEntry:
    """An entry as the document prints it: its anchor, title, summary, text with links resolved to anchors,
    the line of facts and its parts (targets, scripts)."""

    entry_slug: str
    title: str
    summary: str
    html: str
    facts_html: SafeString
    parts_html: str


@dataclass(frozen=True)
class _PrintedSection:
    title: str
    slug: str
    intro_html: str
    entries: list[_PrintedEntry]


@cache
def _static_text(name: str) -> str:
    """A stylesheet of ours, read from disk once per process (restart to pick up edits)."""
    path = finders.find(name)
    if not path:
        raise ImproperlyConfigured(f"Static file {name} not found; the manual document needs it.")
    with open(path, encoding="utf-8") as f:
        return f.read()


def document_css(*, for_pdf: bool) -> str:
    """The document's stylesheet: the shared rules, plus the paged-media rules for the PDF."""
    if for_pdf:
        return _static_text(SCREEN_CSS) + "\n" + _static_text(PDF_CSS)
    return _static_text(SCREEN_CSS)


def stylesheet_links(*, for_pdf: bool) -> SafeString:
    """The document's ``<link>`` tags, in the order the rules cascade (the PDF's paged-media rules last)."""
    names = (SCREEN_CSS, PDF_CSS) if for_pdf else (SCREEN_CSS,)
    return mark_safe("".join(f'<link rel="stylesheet" href="{escape(static(name))}">' for name in names))


def inline_stylesheets(html: str, *, for_pdf: bool) -> str:
    """The document with its stylesheet links replaced by the sheets' text: a file that needs nothing else.

    For the exported HTML file only, which is opened from disk; pages the app serves keep the links.
    """
    return html.replace(stylesheet_links(for_pdf=for_pdf), f"<style>{document_css(for_pdf=for_pdf)}</style>", 1)


def edition_label(snapshot: ManualSnapshot) -> str:
    """What the cover and the footer call this edition."""
    if snapshot.version_label:
        return snapshot.version_label
    if snapshot.as_of is not None:
        return f"As published on {date_format(timezone.localtime(snapshot.as_of), 'j F Y, H:i')}"
    last = snapshot.last_published_at
    if last is None:
        return "Live edition, nothing published yet"
    return f"Live edition, last published {date_format(timezone.localtime(last), 'j F Y')}"


def _facts_html(version: EntryVersion, dates: dict) -> SafeString:
    """The line under an entry's title: kind, channels as chips, version, effective date, owner.

    Every token is escaped (``html.escape``, as Django's ``escape`` does, without its lazy-string wrapper:
    this runs once per entry). ``dates`` caches formatted effective dates across the entries of one render.
    """
    parts = [f'<span class="kind">{escape(_KIND_LABELS.get(version.kind, version.kind))}</span>']
    labels = version.channel_labels
    if labels:
        parts.append(" ".join(f'<span class="chip">{escape(label)}</span>' for label in labels))
    parts.append(f"<span>Version {int(version.number)}</span>")
    if version.effective_date:
        day = dates.get(version.effective_date)
        if day is None:
            day = dates[version.effective_date] = escape(date_format(version.effective_date, "j F Y"))
        parts.append(f"<span>Effective {day}</span>")
    if version.owner_label:
        parts.append(f"<span>Owner: {escape(version.owner_label)}</span>")
    return mark_safe(_SEPARATOR.join(parts))  # every token above is escaped


def render_manual_html(
    snapshot: ManualSnapshot,
    *,
    for_pdf: bool,
    title_suffix: str = "",
    role: str = "",
    name: str = "",
    signoff: bool = False,
) -> str:
    """The manual as one HTML document, with links between entries pointing at anchors inside it.

    ``for_pdf`` adds the paged-media stylesheet and leaves out the on-screen toolbar (its links would lead
    nowhere in a PDF). ``title_suffix`` is appended to the document's title (the PDF's title too) and shown on
    the cover, e.g. " (as of 1 March 2025)". ``role`` and ``name`` say who an onboarding pack is for, on the
    cover; ``signoff`` ends the document with a page for the reader to sign, naming the edition and the
    sections. Sections with nothing published are left out.
    """
    snapshot = snapshot.with_html(snapshot.anchor_urls())
    manual = snapshot.manual
    shown = [section for section in snapshot.sections if section.pages]
    dates: dict = {}
    # The owners named by person or team, in one query each (none when every owner is written in words).
    prefetch_related_objects([p.version for s in shown for p in s.pages], "owner_user", "owner_team")
    sections = [
        _PrintedSection(title=section.title, slug=section.slug, intro_html=section.intro_html, entries=[
            _PrintedEntry(
                entry_slug=page.entry_slug, title=page.version.title, summary=page.version.summary, html=page.html,
                facts_html=_facts_html(page.version, dates),
                parts_html=parts_html(page.version) if page.version.targets or page.version.scripts else "",
            )
            for page in section.pages
        ])
        for section in shown
    ]  # fmt: skip
    context = {
        "manual": manual,
        "for_pdf": for_pdf,
        "title_suffix": title_suffix,
        "role": role,
        "name": name,
        "signoff": signoff,
        "stylesheets": stylesheet_links(for_pdf=for_pdf),
        "edition": edition_label(snapshot),
        "is_past": snapshot.is_past,
        "made_at": snapshot.made_at,
        "entry_count": snapshot.entry_count,
        "sections": sections,
        "mission_html": snapshot.mission_html,
        "vision_html": snapshot.vision_html,
    }
    if not for_pdf:
        slug = {"manual": manual.slug}
        context["home_url"] = getattr(snapshot, "home_url", "") or reverse("policies:manual_home", kwargs=slug)
        context["pdf_url"] = getattr(snapshot, "pdf_url", "") or reverse("policies:manual_pdf", kwargs=slug)
    return get_template(TEMPLATE).render(context)
