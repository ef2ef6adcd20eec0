"""Plain-text normalisation shared by every way text gets in: the browser, the import, the admin and the API.

Browsers send textareas with CRLF line ends, editors leave spaces at line ends, and files end with or without a
newline. None of that is a change a reader could see, so it is removed before anything is compared or stored;
otherwise a save with no edit would look like a new version with every line changed.
"""

import re

_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
# Two or more spaces before a line that goes on are Markdown's hard line break: kept, as exactly two.
# Not before a line that starts a block of its own (a list item, a heading, a quote), where there is no break.
_HARD_BREAK = re.compile(r"(?<=\S) {2,}$(?=\n(?![ \t]*(?:[-*+>#]|\d+[.)])[ \t])[^\n])", re.MULTILINE)
_BREAK_MARK = "\ue010"


def normalise_text(value: str) -> str:
    """``value`` with LF line ends, no whitespace at the end of any line (except Markdown's two-space line
    break inside a paragraph, kept as two spaces), and none at the end of the text."""
    if not value:
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _HARD_BREAK.sub(_BREAK_MARK, text)
    return _TRAILING_SPACE.sub("", text).rstrip().replace(_BREAK_MARK, "  ")
