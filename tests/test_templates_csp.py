"""Every page can be served under a strict Content-Security-Policy (no 'unsafe-inline' for scripts or styles).

So no template may carry an inline ``<script>`` (one without ``src``), a ``<style>`` element, a ``style="..."``
attribute or an ``on...=`` event handler: behaviour lives in static/js (loaded with ``<script src defer>`` and
driven by data- attributes), looks in static/css.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

# Tags only: a word such as "onboarding" or "style" in the text of a page is fine.
TAG = re.compile(r"<(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
INLINE_HANDLER = re.compile(r"(?:^|\s)(on[a-z]+)\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"(?:^|\s)style\s*=", re.I)
SRC = re.compile(r"(?:^|\s)src\s*=", re.I)


def inline_code(text: str) -> list[str]:
    """What in ``text`` a strict Content-Security-Policy would block, one line per finding."""
    found = []
    for tag in TAG.finditer(text):
        name, attrs = tag["name"].lower(), tag["attrs"]
        line = text.count("\n", 0, tag.start()) + 1
        if name == "script" and not SRC.search(attrs):
            found.append(f"line {line}: inline <script> (give it a file under static/js and a src)")
        if name == "style":
            found.append(f"line {line}: <style> element (move the rules to a stylesheet under static/css)")
        if STYLE_ATTRIBUTE.search(attrs):
            found.append(f"line {line}: style attribute on <{name}> (use a class)")
        for handler in INLINE_HANDLER.findall(attrs):
            found.append(f"line {line}: {handler}= handler on <{name}> (listen for the event in static/js)")
    return found


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        "<style>p { color: red }</style>",
        '<p style="color: red">Hi</p>',
        '<select onchange="this.form.submit()">',
        '<a href="#"\n   onclick="go()">Go</a>',
        '<button type="submit" {% if x %}disabled{% endif %} onClick="go()">Go</button>',
    ],
)
def test_each_kind_of_inline_code_is_caught(snippet):
    assert inline_code(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'js/reader.js' %}\" defer></script>",
        '<a href="/manuals/x/onboarding/">Onboarding packet</a>',
        '<p class="style-guide" data-onchange="x">The style of our replies</p>',
    ],
)
def test_script_files_links_and_words_are_allowed(snippet):
    assert not inline_code(snippet)


def test_no_template_has_inline_scripts_styles_or_event_handlers():
    templates = _templates()
    assert len(templates) > 50  # the scan really reads the templates folder
    found = {}
    for path in templates:
        problems = inline_code(path.read_text(encoding="utf-8"))
        if problems:
            found[str(path.relative_to(TEMPLATES))] = problems
    assert not found, "Inline code a Content-Security-Policy would block:\n" + "\n".join(
        f"{name} {problem}" for name, problems in found.items() for problem in problems
    )
