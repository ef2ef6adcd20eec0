"""Reading the manual in the browser: login, published text only, escaping, fixed query counts."""

import pytest
from django.urls import reverse

from policies import services

from .conftest import shown


def test_every_reading_page_needs_a_login(client, make_entry):
    make_entry()
    for url in ["/manuals/", "/manuals/service/", "/manuals/service/refund-policy/", "/manuals/service/print/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_login_page_has_labelled_fields(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html


def test_agent_signs_in_and_sees_the_manuals(client, carol, manual):
    response = client.post("/accounts/login/", {"username": "carol", "password": "pw-carol"}, follow=True)
    assert response.status_code == 200
    assert "Customer Service Manual" in response.content.decode()


def test_home_shows_mission_vision_and_contents(client, carol, make_entry):
    make_entry("refund-policy", title="Refunds and reimbursements")
    make_entry("tone", title="Tone of voice", published=False)
    client.force_login(carol)
    html = client.get("/manuals/service/").content.decode()
    assert "<em>leave happier</em>" in html
    assert "Service people talk about." in html
    assert "Refunds and reimbursements" in html
    assert "Tone of voice" not in html  # never published


def test_entry_page_shows_the_live_version_not_the_draft(client, carol, bob, make_entry):
    entry = make_entry()
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "SECRET DRAFT TEXT"})
    client.force_login(carol)
    html = client.get("/manuals/service/refund-policy/").content.decode()
    assert "<strong>30 days</strong>" in html
    assert "SECRET DRAFT TEXT" not in html
    assert "Version 1" in html


def test_draft_and_retired_entries_are_404_for_readers(client, carol, alice, make_entry):
    make_entry("tone", published=False)
    retired = make_entry("old-policy")
    services.entry_retire(entry=retired, user=alice, reason="Out of date")
    client.force_login(carol)
    assert client.get("/manuals/service/tone/").status_code == 404
    assert client.get("/manuals/service/old-policy/").status_code == 404
    assert client.get("/manuals/nope/").status_code == 404


def test_titles_and_summaries_are_escaped(client, carol, make_entry):
    make_entry("x", title="<script>alert(1)</script>", summary="<img src=x onerror=alert(1)>")
    client.force_login(carol)
    for url in ["/manuals/service/", "/manuals/service/x/"]:
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_links_between_entries_lead_to_the_entry_page(client, carol, make_entry):
    make_entry("refund-policy")
    make_entry("complaints", body="Offer what the [refund policy](refund-policy.md) allows.")
    client.force_login(carol)
    html = client.get("/manuals/service/complaints/").content.decode()
    assert 'href="/manuals/service/refund-policy/"' in html


def test_link_to_an_unpublished_entry_keeps_its_text_but_not_its_target(client, carol, make_entry):
    make_entry("tone", published=False)
    make_entry("complaints", body="Mind your [tone](tone.md).")
    client.force_login(carol)
    html = client.get("/manuals/service/complaints/").content.decode()
    assert "/manuals/service/tone/" not in html and ">tone</a>" in html


def test_phone_layout_has_a_contents_drawer(client, carol, make_entry):
    make_entry()
    client.force_login(carol)
    html = client.get("/manuals/service/refund-policy/").content.decode()
    assert 'name="viewport"' in html and 'aria-controls="toc"' in html


@pytest.mark.parametrize("url_name", ["policies:manual_home", "policies:entry_detail"])
def test_reading_pages_cost_the_same_queries_at_any_size(
    client, carol, make_entry, django_assert_num_queries, url_name
):
    def count_for(n):
        for i in range(n):
            make_entry(f"entry-{n}-{i}", body=f"See [first](entry-{n}-0.md). Body {i}.")
        kwargs = {"manual": "service"}
        if url_name == "policies:entry_detail":
            kwargs["entry"] = f"entry-{n}-0"
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name, kwargs=kwargs)).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(carol)
    small = count_for(2)
    assert count_for(20) == small


def test_home_page_query_count_is_pinned(client, carol, make_entry, django_assert_num_queries):
    for i in range(5):
        make_entry(f"e{i}")
    client.force_login(carol)
    # session, user, manual, sections, live versions, the two permission lookups for the role, unread notifications
    with django_assert_num_queries(8):
        client.get("/manuals/service/")


def test_history_records_the_web_user(client, bob, make_entry, alice):
    entry = make_entry(published=False)
    services.entry_submit(entry=entry, user=bob)
    publish_version = services.entry_approve(
        entry=entry, reviewed_lock_version=shown(entry), user=alice, change_summary="ok"
    )
    assert publish_version.history.latest().history_user == alice


def test_contents_pages_do_not_load_every_entry_text(client, carol, make_entry):
    for i in range(3):
        make_entry(f"e{i}")
    client.force_login(carol)
    for url in ["/manuals/service/", "/manuals/service/e0/", "/manuals/service/search/?q=refunds"]:
        snapshot = client.get(url).context["snapshot"]
        assert snapshot.entries and all("body_html" in v.get_deferred_fields() for v in snapshot.entries), url
    page = client.get("/manuals/service/e1/").content.decode()
    assert "<strong>30 days</strong>" in page  # the entry shown still has its text


def test_a_manual_with_sections_but_nothing_published_says_so(client, carol, make_entry):
    make_entry(published=False)
    client.force_login(carol)
    html = client.get("/manuals/service/").content.decode()
    assert "Nothing has been published in this manual yet." in html
