"""The print page: the whole published manual as one document, read in the browser or printed from it."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from policies import services

URL = "/manuals/service/print/"


@pytest.fixture
def reader(client, carol):
    client.force_login(carol)
    return client


def test_print_page_asks_visitors_to_sign_in(client, manual):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_print_page_shows_the_published_text_not_the_draft(reader, make_entry, bob):
    entry = make_entry("refund-policy", title="Refund policy", body="Refunds within **30 days** of purchase.")
    services.entry_save_draft(
        entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within 90 days, draft wording."}
    )
    make_entry("secret-plan", title="Unannounced loyalty scheme", published=False)
    html = reader.get(URL).content.decode()
    assert "Refunds within <strong>30 days</strong> of purchase." in html
    assert "draft wording" not in html
    assert "Unannounced loyalty scheme" not in html


def test_print_page_has_cover_contents_and_facts(reader, make_entry, manual):
    make_entry(
        "refund-policy",
        title="Refund policy",
        channels=["phone", "email"],
        owner="Service desk",
        effective_date="2025-03-01",
    )
    html = reader.get(URL).content.decode()
    assert '<h1 class="cover-title">Customer Service Manual</h1>' in html
    assert "Acme Outfitters" in html
    assert "Live edition, last published" in html
    assert "<em>leave happier</em>" in html  # the mission
    assert '<a href="#entry-refund-policy">Refund policy</a>' in html  # contents
    assert '<h2 class="entry-title" id="entry-refund-policy">Refund policy</h2>' in html
    for fact in ("Policy", '<span class="chip">Phone</span>', '<span class="chip">Email</span>', "Version 1",
                 "Effective 1 March 2025", "Owner: Service desk"):  # fmt: skip
        assert fact in html
    # The reading column comes from a stylesheet file (no inline CSS, for the Content-Security-Policy); the PDF's
    # paged-media rules stay out of the browser's page.
    assert '<link rel="stylesheet" href="/static/css/document.css">' in html and "<style" not in html
    assert "document-print.css" not in html and "@page :left" not in html
    assert "max-width: 70ch" in Path(finders.find("css/document.css")).read_text()


def test_cross_references_become_anchors_in_the_document(reader, make_entry):
    make_entry("refund-policy", title="Refund policy")
    make_entry("returns", title="Returns", body="Follow the [refund](refund-policy.md) rules.")
    html = reader.get(URL).content.decode()
    assert 'href="#entry-refund-policy">refund</a>' in html
    assert "/manuals/service/refund-policy/" not in html.split("<body>", 1)[1].split("</nav>", 1)[1]


def test_user_text_is_escaped(reader, make_entry, section, alice):
    make_entry(
        "xss",
        title="<script>alert(1)</script>",
        summary='"><img src=x onerror=alert(2)>',
        owner="<b>Owner</b>",
    )
    services.section_save(section=section, manual=section.manual, user=alice, data={"title": "<i>Section</i>"})
    html = reader.get(URL).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "Owner: &lt;b&gt;Owner&lt;/b&gt;" in html
    assert "&lt;i&gt;Section&lt;/i&gt;" in html and "<i>Section</i>" not in html


@pytest.mark.parametrize("count", [3, 30])
def test_print_page_queries_do_not_grow_with_the_manual(
    reader, make_entry, manual, alice, count, django_assert_num_queries
):
    second = services.section_save(
        section=None, manual=manual, user=alice, data={"title": "Procedures", "slug": "procedures", "order": 2}
    )
    for number in range(count):
        make_entry(
            f"entry-{number}",
            body=f"See [the first](entry-0.md). Body {number}.",
            section=second if number % 2 else manual.sections.first(),
        )
    # session, user, manual, sections, published versions
    with django_assert_num_queries(5):
        response = reader.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('class="entry-title"') == count
