"""An entry's targets and scripts as HTML for the print page and the PDF (the reading pages use the template
``policies/_parts.html``). Built in Python, as the facts line is, because the document renders hundreds of
entries in one flat loop. Every piece of text is escaped."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

from ..models.parts import script_groups, target_rows


def parts_html(version) -> SafeString:
    """The version's targets as a table and its scripts by channel, or an empty string when it has neither."""
    pieces: list[str] = []
    rows = target_rows(version.targets)
    if rows:
        body = "".join(
            f'<tr><th scope="row">{escape(r["metric"])}</th><td>{escape(r["channel_label"])}</td>'
            f'<td class="target-phrase">{escape(r["phrase"])}</td><td>{escape(r["period"]) or "—"}</td></tr>'
            for r in rows
        )
        pieces.append(
            '<section class="targets"><h3>Targets</h3><table class="targets-table"><thead><tr>'
            '<th scope="col">What is measured</th><th scope="col">Channel</th><th scope="col">Target</th>'
            f'<th scope="col">Measured</th></tr></thead><tbody>{body}</tbody></table></section>'
        )
    for group in script_groups(version.scripts):
        items = "".join(
            f'<div class="script"><p class="script-situation">{escape(s["situation"])}</p>'
            f'<blockquote class="script-text">{_lines(s["text"])}</blockquote></div>'
            for s in group["scripts"]
        )
        pieces.append(f'<section class="scripts"><h3>Scripts: {escape(group["label"])}</h3>{items}</section>')
    return mark_safe("".join(pieces))  # every piece of text above is escaped


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))
