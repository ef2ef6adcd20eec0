"""Snippets: the stretch of an entry's text that best shows why it matched, its matching words marked.

Built the same way on both databases, from the stored plain text: every piece of text is escaped, and only then
are ``<mark>`` tags put around the words whose stem was searched for, so an entry that talks about ``<script>``
shows it as text.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import Matcher

WINDOW = 220  # characters of text in a snippet, about 35 words
LEAD = 40  # characters shown before the first match in it


def _marked(text: str, matches: list[tuple[int, int, str]], start: int, end: int) -> str:
    parts, position = [], start
    for match_start, match_end, _ in matches:
        if match_start < start or match_end > end:
            continue
        parts.append(escape(text[position:match_start]))
        parts.append(f"<mark>{escape(text[match_start:match_end])}</mark>")
        position = match_end
    parts.append(escape(text[position:end]))
    return "".join(parts)


def highlight(text: str, matcher: Matcher) -> SafeString:
    """All of ``text``, escaped, with the searched words marked (for titles and summaries)."""
    return mark_safe(_marked(text, matcher.spans(text), 0, len(text)))


def _word_start(text: str, position: int) -> int:
    """``position`` moved forward to the start of a word (0 stays 0)."""
    if position <= 0:
        return 0
    space = text.find(" ", position)
    return space + 1 if 0 <= space < position + 30 else position


def _word_end(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    space = text.rfind(" ", 0, position)
    return space if space > position - 30 else position


def _best_window(text: str, matches: list[tuple[int, int, str]]) -> tuple[int, int]:
    """Bounds of the stretch of about WINDOW characters holding the most different searched words (then the most
    matches; the earliest on a tie), starting a little before its first match, on word boundaries."""
    best, best_score = matches[0][0], (-1, -1)
    for i, (first, _end, _stem) in enumerate(matches):
        inside = [m[2] for m in matches[i:] if m[1] <= first + WINDOW - LEAD]
        score = (len(set(inside)), len(inside))
        if score > best_score:
            best, best_score = first, score
    start = _word_start(text, best - LEAD)
    return start, _word_end(text, start + WINDOW)


def snippet(body: str, summary: str, matcher: Matcher) -> SafeString:
    """HTML of the best stretch of ``body`` with the searched words marked; the summary when only it matches;
    the start of the body when neither does (the title matched)."""
    matches = matcher.spans(body)
    if not matches:
        if summary and matcher.spans(summary):
            return highlight(summary, matcher)
        if not body:
            return mark_safe(escape(summary))
        end = _word_end(body, WINDOW)
        return mark_safe(escape(body[:end]) + ("…" if end < len(body) else ""))
    start, end = _best_window(body, matches)
    html = _marked(body, matches, start, end)
    return mark_safe(("…" if start > 0 else "") + html + ("…" if end < len(body) else ""))
