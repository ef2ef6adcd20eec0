"""Editing, review and publishing in the browser, and who may do it."""

import pytest

from policies import services
from policies.models import Entry, EntryStatus

from .conftest import publish, shown

ENTRY_FORM = {
    "title": "Refunds",
    "slug": "refunds",
    "kind": "policy",
    "summary": "When we give money back.",
    "body": "Refund within **30 days** of purchase.",
    "channels": ["phone", "email"],
    "owner": "Customer care lead",
    "review_every_months": "12",
    "effective_date": "",
}


def editing_urls(entry):
    m, e = entry.manual.slug, entry.slug
    return [
        ("get", "/manuals/new/"),
        ("post", "/manuals/new/"),
        ("get", f"/manuals/{m}/new/"),
        ("post", f"/manuals/{m}/new/"),
        ("get", f"/manuals/{m}/review/"),
        ("post", f"/manuals/{m}/preview/"),
        ("get", f"/manuals/{m}/settings/"),
        ("post", f"/manuals/{m}/settings/"),
        ("post", f"/manuals/{m}/settings/four-eyes/"),
        ("get", f"/manuals/{m}/sections/"),
        ("post", f"/manuals/{m}/sections/"),
        ("get", f"/manuals/{m}/sections/new/"),
        ("get", f"/manuals/{m}/sections/{entry.section.slug}/"),
        ("get", f"/manuals/{m}/{e}/edit/"),
        ("post", f"/manuals/{m}/{e}/edit/"),
        ("get", f"/manuals/{m}/{e}/history/"),
        ("get", f"/manuals/{m}/{e}/diff/?from=1&to=draft"),
        ("post", f"/manuals/{m}/{e}/submit/"),
        ("post", f"/manuals/{m}/{e}/approve/"),
        ("post", f"/manuals/{m}/{e}/request-changes/"),
        ("post", f"/manuals/{m}/{e}/retire/"),
        ("post", f"/manuals/{m}/{e}/restore/1/"),
    ]


def test_agent_gets_403_on_every_editing_url(client, carol, make_entry):
    entry = make_entry()
    client.force_login(carol)
    for method, url in editing_urls(entry):
        response = getattr(client, method)(
            url, {"title": "hacked", "change_summary": "x", "comment": "x", "reason": "x"}
        )
        assert response.status_code == 403, (method, url, response.status_code)
    entry.refresh_from_db()
    assert entry.title != "hacked" and entry.status == EntryStatus.PUBLISHED


def test_anonymous_is_sent_to_login_from_every_editing_url(client, make_entry):
    entry = make_entry()
    for method, url in editing_urls(entry):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_editor_cannot_reach_manager_only_pages(client, bob, make_entry):
    entry = make_entry()
    client.force_login(bob)
    m, e = entry.manual.slug, entry.slug
    for method, url in [("get", f"/manuals/{m}/settings/"), ("get", f"/manuals/{m}/sections/"),
                        ("post", f"/manuals/{m}/{e}/approve/"), ("post", f"/manuals/{m}/{e}/retire/"),
                        ("post", f"/manuals/{m}/{e}/request-changes/")]:  # fmt: skip
        assert getattr(client, method)(url, {"change_summary": "x", "reason": "x", "comment": "x"}).status_code == 403


def test_the_whole_workflow_through_the_browser(client, bob, alice, carol, manual, section):
    client.force_login(bob)
    response = client.post(f"/manuals/{manual.slug}/new/", {**ENTRY_FORM, "section": section.pk, "action": "submit"})
    assert response.status_code == 302
    entry = Entry.objects.get(slug="refunds")
    assert entry.status == EntryStatus.IN_REVIEW

    client.force_login(alice)
    assert "Refunds" in client.get(f"/manuals/{manual.slug}/review/").content.decode()
    client.post(f"/manuals/{manual.slug}/refunds/request-changes/", {"comment": "Say which receipts count."})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT and entry.review_comment == "Say which receipts count."

    client.force_login(bob)
    page = client.get(f"/manuals/{manual.slug}/refunds/edit/").content.decode()
    assert "Say which receipts count." in page
    client.post(
        f"/manuals/{manual.slug}/refunds/edit/",
        {
            **ENTRY_FORM,
            "body": "Refund within 30 days with a paper or email receipt.",
            "lock_version": entry.lock_version,
            "action": "submit",
        },
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.IN_REVIEW

    client.force_login(carol)
    assert client.get(f"/manuals/{manual.slug}/refunds/").status_code == 404  # not yet approved

    client.force_login(alice)
    review = client.get(f"/manuals/{manual.slug}/refunds/review/")
    shown = review.context["approve_form"]["reviewed_lock_version"].value()
    response = client.post(
        f"/manuals/{manual.slug}/refunds/approve/",
        {"change_summary": "New refund policy", "is_material": "on", "reviewed_lock_version": shown},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.live_version.number == 1 and entry.live_version.approver == alice

    client.force_login(carol)
    assert "paper or email receipt" in client.get(f"/manuals/{manual.slug}/refunds/").content.decode()


def test_buttons_match_the_role_and_state(client, bob, alice, make_entry):
    entry = make_entry(published=False)
    services.entry_submit(entry=entry, user=bob)
    url = f"/manuals/{entry.manual.slug}/{entry.slug}/edit/"
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert "Save draft" in page and "Submit for review" in page
    assert "Approve and publish" not in page and "Retire" not in page
    client.force_login(alice)
    page = client.get(url).content.decode()
    # The editor only leads to the review screen; the decision is made there, beside the change.
    assert "Review this draft" in page and "Approve and publish" not in page
    page = client.get(f"/manuals/{entry.manual.slug}/{entry.slug}/review/").content.decode()
    assert "Approve and publish" in page and "Request changes" in page
    assert "Retire" not in client.get(url).content.decode()  # never published: delete, not retire
    assert "Delete draft" in client.get(url).content.decode()


def test_manager_cannot_approve_own_draft_through_the_browser(client, alice, make_entry):
    entry = make_entry(published=False)
    client.force_login(alice)
    client.post(
        f"/manuals/{entry.manual.slug}/{entry.slug}/edit/",
        {**ENTRY_FORM, "slug": entry.slug, "lock_version": entry.lock_version, "action": "submit"},
    )
    page = client.get(f"/manuals/{entry.manual.slug}/{entry.slug}/edit/").content.decode()
    assert "another manager must approve" in page
    response = client.post(
        f"/manuals/{entry.manual.slug}/{entry.slug}/approve/",
        {"change_summary": "mine", "reviewed_lock_version": shown(entry)},
        follow=True,
    )
    assert "Four eyes" in response.content.decode()
    entry.refresh_from_db()
    assert entry.live_version is None


def test_approve_without_summary_is_refused_with_a_message(client, bob, alice, make_entry):
    entry = make_entry(published=False)
    services.entry_submit(entry=entry, user=bob)
    client.force_login(alice)
    response = client.post(
        f"/manuals/{entry.manual.slug}/{entry.slug}/approve/",
        {"change_summary": "", "reviewed_lock_version": shown(entry)},
    )
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    entry.refresh_from_db()
    assert entry.live_version is None


def test_second_save_from_a_stale_form_is_a_conflict_that_keeps_both_texts(client, bob, alice, make_entry):
    entry = make_entry(published=False)
    url = f"/manuals/{entry.manual.slug}/{entry.slug}/edit/"
    opened = entry.lock_version
    client.force_login(alice)
    client.post(
        url, {**ENTRY_FORM, "slug": entry.slug, "body": "Alice wrote this.", "lock_version": opened, "action": "save"}
    )
    client.force_login(bob)
    response = client.post(
        url, {**ENTRY_FORM, "slug": entry.slug, "body": "Bob wrote this.", "lock_version": opened, "action": "save"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this entry" in page
    assert "Bob wrote this." in page  # his text is still in the form
    assert "<ins>Alice</ins>" in page  # and he sees what she changed
    entry.refresh_from_db()
    assert entry.body == "Alice wrote this."
    # Saving again after seeing the conflict is a deliberate choice and goes through.
    fresh = response.context["form"]["lock_version"].value()
    client.post(
        url,
        {**ENTRY_FORM, "slug": entry.slug, "body": "Bob merged Alice's text.", "lock_version": fresh, "action": "save"},
    )
    entry.refresh_from_db()
    assert entry.body == "Bob merged Alice's text."


def test_form_errors_are_shown_next_to_the_field_and_lose_nothing(client, bob, manual, section):
    client.force_login(bob)
    response = client.post(
        f"/manuals/{manual.slug}/new/",
        {**ENTRY_FORM, "section": section.pk, "slug": "not a slug!", "channels": ["fax"]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid “slug”" in page and "fax is not one of the available choices" in page
    assert "Refund within **30 days** of purchase." in page
    assert not Entry.objects.exists()


def test_reserved_slugs_are_refused(client, bob, manual, section):
    client.force_login(bob)
    page = client.post(
        f"/manuals/{manual.slug}/new/", {**ENTRY_FORM, "section": section.pk, "slug": "print"}
    ).content.decode()
    assert "“print” is the address of one of the manual&#x27;s own pages" in page


def test_history_shows_versions_and_events(client, bob, alice, make_entry):
    entry = make_entry()
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within 14 days."})
    publish(entry, author=bob, approver=alice, summary="Shorter refund window")
    client.force_login(bob)
    page = client.get(f"/manuals/{entry.manual.slug}/{entry.slug}/history/").content.decode()
    assert "Version 2 published" in page and "Shorter refund window" in page
    assert "Version 1 published" in page and "Submitted for review" in page and "Restore this version" in page


def test_word_diff_between_versions_and_against_the_draft(client, bob, alice, make_entry):
    entry = make_entry(body="Refunds within 30 days.")
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within 14 days."})
    client.force_login(bob)
    page = client.get(f"/manuals/{entry.manual.slug}/{entry.slug}/diff/?from=live&to=draft").content.decode()
    assert "<del>30</del><ins>14</ins>" in page
    publish(entry, author=bob, approver=alice, summary="Shorter")
    page = client.get(f"/manuals/{entry.manual.slug}/{entry.slug}/diff/?from=1&to=2").content.decode()
    assert "<del>30</del><ins>14</ins>" in page


def test_diff_escapes_what_it_shows(client, bob, make_entry):
    entry = make_entry(body="plain")
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "<script>alert(1)</script>"})
    client.force_login(bob)
    page = client.get(f"/manuals/{entry.manual.slug}/{entry.slug}/diff/?from=live&to=draft").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("query", ["?from=abc&to=draft", "?from=99&to=1"])
def test_bad_diff_parameters_get_a_clear_answer(client, bob, make_entry, query):
    entry = make_entry()
    client.force_login(bob)
    response = client.get(f"/manuals/{entry.manual.slug}/{entry.slug}/diff/{query}")
    assert response.status_code in (400, 404)


def test_restore_an_old_version_as_a_draft(client, bob, alice, make_entry):
    entry = make_entry(body="Original text")
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "Second text"})
    publish(entry, author=bob, approver=alice, summary="Second")
    client.force_login(bob)
    client.post(f"/manuals/{entry.manual.slug}/{entry.slug}/restore/1/")
    entry.refresh_from_db()
    assert entry.body == "Original text" and entry.status == EntryStatus.DRAFT and entry.live_version.number == 2


def test_retire_through_the_browser(client, alice, carol, make_entry):
    entry = make_entry()
    url = f"/manuals/{entry.manual.slug}/{entry.slug}/retire/"
    client.force_login(alice)
    # Without the confirmation nothing happens, and the page says what is missing.
    response = client.post(url, {"reason": "Merged into refunds"})
    assert response.status_code == 400 and "Tick the box to confirm" in response.content.decode()
    assert client.get(f"/manuals/{entry.manual.slug}/{entry.slug}/").status_code == 200
    client.post(url, {"reason": "Merged into refunds", "confirm": "on"})
    entry.refresh_from_db()
    assert entry.retired_reason == "Merged into refunds"
    client.force_login(carol)
    assert client.get(f"/manuals/{entry.manual.slug}/{entry.slug}/").status_code == 404


def test_live_preview_renders_sanitised_html(client, bob, make_entry):
    make_entry("refund-policy")
    client.force_login(bob)
    data = client.post(
        "/manuals/service/preview/", {"body": "**bold** [r](refund-policy.md) [x](nope.md) <script>x</script>"}
    ).json()
    assert "<strong>bold</strong>" in data["html"] and "<script>" not in data["html"]
    assert 'href="/manuals/service/refund-policy/"' in data["html"]
    assert data["broken_links"] == ["nope"]


def test_manager_edits_mission_and_reorders_sections(client, alice, manual, section):
    client.force_login(alice)
    client.post(
        f"/manuals/{manual.slug}/settings/",
        {
            "title": manual.title,
            "organisation": "Acme",
            "mission": "Be **kind**.",
            "vision": "",
            "require_second_approver": "on",
        },
    )
    manual.refresh_from_db()
    assert manual.mission_html == "<p>Be <strong>kind</strong>.</p>"
    client.post(f"/manuals/{manual.slug}/sections/new/", {"title": "Procedures", "slug": "procedures", "intro": ""})
    procedures = manual.sections.get(slug="procedures")
    client.post(f"/manuals/{manual.slug}/sections/", {"section": procedures.pk, "direction": "up"})
    assert [s.slug for s in manual.sections.order_by("order")] == ["procedures", "policies"]
    assert procedures.history.latest().history_change_reason == "Reordered"


def test_manager_reorders_entries(client, alice, make_entry, section):
    first, second = make_entry("first", order=1), make_entry("second", order=2)
    client.force_login(alice)
    client.post(f"/manuals/{section.manual.slug}/sections/", {"entry": second.pk, "direction": "up"})
    ordered = list(Entry.objects.filter(section=section).order_by("order").values_list("slug", flat=True))
    assert ordered == ["second", "first"]
    first.refresh_from_db()
    assert first.status == EntryStatus.PUBLISHED  # moving is not a text change


def test_manager_starts_a_new_manual(client, alice, bob, carol, db):
    for user in (bob, carol):
        client.force_login(user)
        assert client.get("/manuals/new/").status_code == 403
    client.force_login(alice)
    assert "New manual" in client.get("/manuals/").content.decode()
    response = client.post("/manuals/new/", {"title": "Store handbook", "slug": "store", "organisation": "Acme",
                                             "mission": "Serve **well**.", "vision": ""})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/manuals/store/sections/new/"
    from policies.models import Manual

    manual = Manual.objects.get(slug="store")
    assert manual.mission_html == "<p>Serve <strong>well</strong>.</p>"
    assert manual.history.latest().history_user == alice
    page = client.post("/manuals/new/", {"title": "X", "slug": "new"}).content.decode()
    assert "is the address of one of the app&#x27;s own pages" in page
    page = client.post("/manuals/new/", {"title": "Again", "slug": "store"}).content.decode()
    assert "A manual with the address “store” already exists; choose another." in page


def test_a_save_without_the_version_it_started_from_is_a_conflict_not_an_overwrite(client, bob, make_entry):
    entry = make_entry(published=False)
    client.force_login(bob)
    url = f"/manuals/{entry.manual.slug}/{entry.slug}/edit/"
    response = client.post(url, {**ENTRY_FORM, "slug": entry.slug, "body": "Blind save", "action": "save"})
    assert response.status_code == 409
    assert "Blind save" in response.content.decode()
    entry.refresh_from_db()
    assert entry.body != "Blind save"


def test_approval_is_offered_only_to_approvers_and_only_for_a_draft_in_review(client, bob, alice, carol, make_entry):
    entry = make_entry(published=False)
    review = f"/manuals/{entry.manual.slug}/{entry.slug}/review/"
    client.force_login(alice)
    assert "Approve and publish" not in client.get(review).content.decode()  # not submitted yet
    services.entry_submit(entry=entry, user=bob)
    assert "Approve and publish" in client.get(review).content.decode()
    for person in (bob, carol):
        client.force_login(person)
        response = client.get(review)
        assert "Approve and publish" not in response.content.decode()


def test_a_published_entry_offers_no_delete(client, alice, make_entry):
    entry = make_entry()
    services.entry_save_draft(entry=entry, manual=entry.manual, user=alice, data={"body": "New words."})
    client.force_login(alice)
    page = client.get(f"/manuals/{entry.manual.slug}/{entry.slug}/edit/").content.decode()
    assert "Save draft" in page and "Delete draft" not in page
