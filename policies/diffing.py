"""Readable word-level differences between two texts, built from escaped tokens."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .rendering.markdown import sanitize_html

_TOKENS = re.compile(r"\s+|[\w'’-]+|[^\w\s]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def _words(a: list[str], b: list[str], out: list[str]) -> None:
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")


def word_diff(old: str, new: str) -> SafeString:
    """HTML of ``new`` with words removed from ``old`` in ``<del>`` and words added in ``<ins>``.

    Lines are matched first, then words within the lines that changed, so a new paragraph or list item shows
    as one addition instead of words scattered across its neighbours. Every token is escaped before the single
    ``mark_safe`` at the end.
    """
    old_lines, new_lines = (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True)
    out: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(old_lines[i1:i2])))
        elif op == "delete":
            out.append(f"<del>{escape(''.join(old_lines[i1:i2]))}</del>")
        elif op == "insert":
            out.append(f"<ins>{escape(''.join(new_lines[j1:j2]))}</ins>")
        else:
            _words(_tokens("".join(old_lines[i1:i2])), _tokens("".join(new_lines[j1:j2])), out)
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


# Review: the change as readers will see it, and the source with unchanged stretches folded ----------------------

_BLOCK_SPLIT = re.compile(r"\n[ \t]*\n+")
# Private-use characters mark insertions and deletions through Markdown rendering; authors never type them.
_INS_OPEN, _INS_CLOSE, _DEL_OPEN, _DEL_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKS = _INS_OPEN + _INS_CLOSE + _DEL_OPEN + _DEL_CLOSE
_MARKS_IN_TAGS = re.compile(r"<[^>]*[" + _MARKS + r"][^>]*>")
FOLD_CONTEXT = 1  # unchanged blocks (or lines) kept in view on each side of a change


@dataclass
class DiffChunk:
    """A stretch of a review diff: ``same`` (unchanged, shown), ``folded`` (unchanged, collapsed) or a change."""

    kind: str  # "same", "folded", "inserted", "deleted" or "changed"
    html: SafeString
    count: int = 1  # blocks or lines in the stretch


def _blocks(text: str) -> list[str]:
    return [b for b in _BLOCK_SPLIT.split((text or "").strip("\n")) if b.strip()]


_LINE_LEAD = re.compile(r"^(\s*(?:[-*+]|\d+[.)]|>|#{1,6})?\s*)")


def _marked_words(old: str, new: str, out: list[str]) -> None:
    a, b = _tokens(old), _tokens(new)
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if op in ("delete", "replace") and "".join(a[i1:i2]).strip():
            out.append(_wrap("".join(a[i1:i2]), _DEL_OPEN, _DEL_CLOSE))
        if op in ("insert", "replace"):
            out.append(_wrap("".join(b[j1:j2]), _INS_OPEN, _INS_CLOSE))


_CELL_EDGE = re.compile(r"(?<!\\)(\|)")
_TABLE_DELIMITER = re.compile(r"^\s*:?-+:?\s*$")


def _wrap(text: str, mark_open: str, mark_close: str) -> str:
    """``text`` between marks, each table cell on its own: a mark around a cell's ``|`` would shift the row's cells.

    The pipes, the spaces at a cell's edges and the dashes of a table's delimiter row stay outside the marks.
    """
    pieces = []
    for piece in _CELL_EDGE.split(text):
        if piece == "|" or not piece.strip() or _TABLE_DELIMITER.match(piece):
            pieces.append(piece)
            continue
        stripped = piece.strip()
        start = piece.index(stripped)
        pieces.append(piece[:start] + mark_open + stripped + mark_close + piece[start + len(stripped) :])
    return "".join(pieces)


def _marked_line(line: str, mark_open: str, mark_close: str) -> str:
    """A whole line added or removed, marked after its list, quote or heading marker so Markdown still sees it."""
    lead = _LINE_LEAD.match(line).group(1)
    rest = line[len(lead) :]
    return lead + (_wrap(rest, mark_open, mark_close) if rest.strip() else rest)


def _marked_source(old: str, new: str) -> str:
    """``new`` with what was removed from ``old`` and added in it wrapped in private-use marks.

    Lines are matched first and words only within lines that changed, so an added list item is marked whole
    instead of its words being matched against words elsewhere in the paragraph.
    """
    old_lines, new_lines = old.split("\n"), new.split("\n")
    out: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if op == "equal":
            out += new_lines[j1:j2]
        elif op == "insert":
            out += [_marked_line(line, _INS_OPEN, _INS_CLOSE) for line in new_lines[j1:j2]]
        elif op == "delete":
            out += [_marked_line(line, _DEL_OPEN, _DEL_CLOSE) for line in old_lines[i1:i2]]
        else:
            pieces: list[str] = []
            _marked_words("\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2]), pieces)
            out.append("".join(pieces))
    return "\n".join(out)


def _marks_to_tags(html: str) -> str:
    html = _MARKS_IN_TAGS.sub(lambda m: re.sub("[" + _MARKS + "]", "", m.group(0)), html)
    for mark, tag in ((_INS_OPEN, "<ins>"), (_INS_CLOSE, "</ins>"), (_DEL_OPEN, "<del>"), (_DEL_CLOSE, "</del>")):
        html = html.replace(mark, tag)
    return html


def _fold(chunks: list[DiffChunk], noun: tuple[str, str]) -> list[DiffChunk]:
    """Collapse runs of unchanged chunks, keeping ``FOLD_CONTEXT`` beside each change."""
    out: list[DiffChunk] = []
    i = 0
    while i < len(chunks):
        if chunks[i].kind != "same":
            out.append(chunks[i])
            i += 1
            continue
        j = i
        while j < len(chunks) and chunks[j].kind == "same":
            j += 1
        run = chunks[i:j]
        keep_before = FOLD_CONTEXT if i > 0 else 0
        keep_after = FOLD_CONTEXT if j < len(chunks) else 0
        if len(run) > keep_before + keep_after + 1:
            hidden = run[keep_before : len(run) - keep_after]
            count = sum(c.count for c in hidden)
            label = escape(f"{count} unchanged {noun[0] if count == 1 else noun[1]}")
            inner = "".join(c.html for c in hidden)
            folded = mark_safe(f"<details class='diff-fold'><summary>{label}</summary>{inner}</details>")  # noqa: S308
            out += [*run[:keep_before], DiffChunk("folded", folded, count), *run[len(run) - keep_after :]]
        else:
            out += run
        i = j
    return out


def rendered_diff(old: str, new: str, *, render) -> list[DiffChunk]:
    """The new text as readers will see it, paragraph by paragraph, with the change marked.

    ``render`` turns Markdown into sanitised HTML (the reader's renderer, links resolved). Paragraphs, lists
    and headings are matched first; within a changed one, words added are in ``<ins>`` and removed in
    ``<del>``. The marks pass through the renderer, and its sanitiser, as private-use characters.
    """
    a, b = _blocks(old), _blocks(new)
    chunks: list[DiffChunk] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            chunks += [DiffChunk("same", mark_safe(render(block))) for block in b[j1:j2]]  # noqa: S308
            continue
        old_run, new_run = a[i1:i2], b[j1:j2]
        if op == "replace":
            for k in range(max(len(old_run), len(new_run))):
                before = old_run[k] if k < len(old_run) else ""
                after = new_run[k] if k < len(new_run) else ""
                if before and after:
                    html = sanitize_html(_marks_to_tags(render(_marked_source(before, after))))
                    chunks.append(DiffChunk("changed", mark_safe(html)))  # noqa: S308
                elif after:
                    chunks.append(DiffChunk("inserted", mark_safe(f"<ins class='block'>{render(after)}</ins>")))  # noqa: S308
                else:
                    chunks.append(DiffChunk("deleted", mark_safe(f"<del class='block'>{render(before)}</del>")))  # noqa: S308
        elif op == "insert":
            chunks += [DiffChunk("inserted", mark_safe(f"<ins class='block'>{render(x)}</ins>")) for x in new_run]  # noqa: S308
        else:
            chunks += [DiffChunk("deleted", mark_safe(f"<del class='block'>{render(x)}</del>")) for x in old_run]  # noqa: S308
    return _fold(chunks, ("paragraph", "paragraphs"))


def source_diff(old: str, new: str) -> list[DiffChunk]:
    """The Markdown source, line by line, with changed lines marked word by word and unchanged runs folded."""
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    chunks: list[DiffChunk] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if op == "equal":
            chunks += [DiffChunk("same", mark_safe(escape(line) + "\n")) for line in new_lines[j1:j2]]  # noqa: S308
        else:
            html = word_diff("\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2]))
            chunks.append(DiffChunk("changed", mark_safe(html + "\n"), max(i2 - i1, j2 - j1)))  # noqa: S308
    return _fold(chunks, ("line", "lines"))
