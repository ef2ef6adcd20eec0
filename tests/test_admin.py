"""The Django admin goes through the same services and leaves the same history."""

from policies.models import EntryStatus


def test_admin_edit_of_a_published_entry_makes_a_draft_with_history(client, admin_user, make_entry):
    entry = make_entry()
    client.force_login(admin_user)
    url = f"/admin/policies/entry/{entry.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "manual": entry.manual_id, "section": entry.section_id, "kind": "policy", "title": entry.title,
        "slug": entry.slug, "summary": entry.summary, "body": "Changed in the admin", "order": 0, "owner": "",
        "channels": "[]", "review_every_months": 12, "effective_date": "",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.body == "Changed in the admin" and entry.status == EntryStatus.DRAFT
    assert entry.live_version.body == "Refunds within **30 days**."  # readers still see the approved text
    record = entry.history.latest()
    assert record.history_change_reason == "Edited in the admin" and record.history_user == admin_user


def test_admin_history_view_lists_changes(client, admin_user, make_entry):
    entry = make_entry()
    client.force_login(admin_user)
    page = client.get(f"/admin/policies/entry/{entry.pk}/history/").content.decode()
    assert "Created as a draft" in page and "Submitted for review" in page


def test_nothing_can_be_deleted_in_the_admin(client, admin_user, make_entry):
    entry = make_entry()
    client.force_login(admin_user)
    assert client.get(f"/admin/policies/entry/{entry.pk}/delete/").status_code == 403
    assert client.get(f"/admin/policies/manual/{entry.manual_id}/delete/").status_code == 403


def test_manual_edited_in_the_admin_renders_its_mission(client, admin_user, manual):
    client.force_login(admin_user)
    response = client.post(f"/admin/policies/manual/{manual.pk}/change/", {
        "title": manual.title, "slug": manual.slug, "organisation": "Acme", "mission": "Be **kind**.",
        "vision": "", "require_second_approver": "on",
    })  # fmt: skip
    assert response.status_code == 302
    manual.refresh_from_db()
    assert manual.mission_html == "<p>Be <strong>kind</strong>.</p>"
    assert manual.history.latest().history_change_reason == "Edited in the admin"


def test_agents_cannot_use_the_admin(client, carol):
    client.force_login(carol)
    response = client.get("/admin/policies/entry/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
