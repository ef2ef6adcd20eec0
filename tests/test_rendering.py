"""Markdown rendering and sanitising: what authors write is shown well, and nothing they write can run."""

import pytest

from policies.rendering.markdown import link_target_slug, render_markdown, resolve_entry_links

XSS_VECTORS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=1></svg>",
    "<iframe src='https://evil.example'></iframe>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    "[click](javascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<style>body{display:none}</style>",
    "<form action='https://evil.example'><input name=a></form>",
    "<object data='evil.swf'></object>",
    "<embed src='evil.swf'>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<meta http-equiv='refresh' content='0;url=https://evil.example'>",
    "<base href='https://evil.example/'>",
    "<link rel=stylesheet href='https://evil.example/x.css'>",
    "<p onclick=alert(1)>para</p>",
    "<input autofocus onfocus=alert(1)>",
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    '<a href="https://ok.example" rel="attachment">file</a>',
    "<<script>script>alert(1)<</script>/script>",
]

FORBIDDEN = [
    "<script", "onerror", "onload", "onclick", "onfocus", "onmouseover", "ontoggle", "javascript:", "vbscript:",
    "data:", "<iframe", "<svg", "<style", "style=", "<form", "<input", "<object", "<embed", "<meta", "<base",
    "<link", "rel=",
]  # fmt: skip


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_known_xss_vectors_are_neutralised(vector):
    html = render_markdown(f"Before\n\n{vector}\n\nAfter").lower()
    for bad in FORBIDDEN:
        assert bad not in html, f"{bad!r} survived in {html!r}"
    assert "before" in html  # the text around the attack survives


def test_tables_lists_and_headings_render():
    html = render_markdown(
        "## Steps\n\n1. Listen\n2. Act\n    - note it\n    - fix it\n\n"
        "| Channel | Target |\n|:--|--:|\n| Chat | 2 min |\n"
    )
    assert "<h3>Steps</h3>" in html  # body headings sit under the entry title
    assert "<ol>" in html and "<ul>" in html
    assert '<td align="right">2 min</td>' in html


def test_callouts_and_scripts_are_told_apart():
    html = render_markdown(
        "> [!WARNING] Never promise a refund you cannot give.\n\n> \u201cThank you for calling Northwind.\u201d"
    )
    assert '<div class="callout callout-warning"><p class="callout-title">Warning</p>' in html
    assert "<blockquote>" in html and "Thank you for calling" in html
    assert html.index("callout") < html.index("<blockquote>")


def test_bold_note_becomes_a_note_callout():
    html = render_markdown("> **Note:** keep the receipt.")
    assert 'class="callout callout-note"' in html and "keep the receipt." in html


def test_links_between_entries_are_stored_by_id_and_resolved_per_page():
    html = render_markdown(
        "See the [refund policy](refund-policy.md) and [tone](tone).", link_map={"refund-policy": 7, "tone": 9}
    )
    assert 'href="#pm-entry-7"' in html and 'href="#pm-entry-9"' in html
    page = resolve_entry_links(html, {7: "/manuals/m/refund-policy/", 9: "/manuals/m/tone/"})
    assert 'href="/manuals/m/refund-policy/"' in page
    hidden = resolve_entry_links(html, {7: "#entry-refund-policy"})
    assert 'href="#entry-refund-policy"' in hidden
    assert "#pm-entry-9" not in hidden  # an unpublished target loses its link, not its text
    assert ">tone</a>" in hidden


def test_broken_md_link_is_reported_and_loses_its_target():
    html = render_markdown("See [missing](no-such-entry.md).", link_map={})
    assert html.broken_links == ["no-such-entry"]
    assert "no-such-entry.md" not in html


@pytest.mark.parametrize(
    ("href", "slug"),
    [
        ("refund-policy.md", "refund-policy"),
        ("./refund-policy.md", "refund-policy"),
        ("refund-policy", "refund-policy"),
        ("https://x.example/a.md", None),
        ("../x.md", None),
        ("#top", None),
        ("mailto:a@b.c", None),
    ],
)
def test_link_target_slug(href, slug):
    assert link_target_slug(href) == slug
