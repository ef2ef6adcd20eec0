"""Readable word-level differences between two texts, built from escaped tokens."""

import re
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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


def has_changes(old: str, new: str) -> bool:
    return (old or "") != (new or "")
