"""Four eyes cannot be switched off by the person it binds: a manager's wish to turn it off waits for another
manager, and a version nobody but its author approved says so."""

import pytest

from notifications.models import Notification
from policies import services
from policies.models import Manual
from policies.services import TransitionError

from .conftest import shown


def settings_form(**fields):
    """What the settings page posts: every field, the four-eyes box ticked unless said otherwise."""
    data = {"title": "Customer Service Manual", "organisation": "Acme Outfitters", "mission": "", "vision": "",
            "ack_days": "14", "require_second_approver": "on"}  # fmt: skip
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def own_draft(make_entry, author, body="Refunds within **45 days**."):
    """A published entry whose new text ``author`` wrote and submitted."""
    entry = make_entry()
    services.entry_save_draft(entry=entry, manual=entry.manual, user=author, data={"body": body})
    services.entry_submit(entry=entry, user=author)
    return entry


def approve_own(entry, user):
    return services.entry_approve(
        entry=entry, user=user, change_summary="Longer window", reviewed_lock_version=shown(entry)
    )


def reason(manual) -> str:
    return manual.history.latest().history_change_reason


def test_a_manager_who_unticks_four_eyes_does_not_turn_it_off(make_entry, alice):
    entry = own_draft(make_entry, alice)
    services.manual_save(manual=entry.manual, user=alice, data={"require_second_approver": False})
    manual = Manual.objects.get(pk=entry.manual_id)
    assert manual.require_second_approver and manual.four_eyes_off_requested_by == alice
    with pytest.raises(TransitionError) as refused:
        approve_own(entry, alice)
    assert refused.value.code == "four_eyes"
    assert "waits for another manager" in reason(manual)


def test_other_managers_are_told_of_a_request_with_a_link_to_decide_it(
    client, manual, alice, mallory, bob, admin_user, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = "https://manual.example.com"
    for person in (alice, mallory, bob, admin_user):
        person.email = f"{person.username}@example.com"
        person.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.manual_four_eyes_set(manual=manual, user=alice, on=False)
    # Every other manager (administrators too) hears; the one who asked and the editors do not.
    told = Notification.objects.order_by("user__username")
    assert [n.user.username for n in told] == ["mallory", "root"]
    note = told.first()
    assert note.title == "alice asked to turn off four-eyes approval in Customer Service Manual"
    assert note.url == "/manuals/service/settings/" and note.read_at is None
    assert sorted(m.to[0] for m in mailoutbox) == ["mallory@example.com", "root@example.com"]
    email = mailoutbox[0]
    assert "asked to turn off four-eyes approval" in email.subject
    assert "https://manual.example.com/manuals/service/settings/" in email.body
    # Asking again while the request waits tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.manual_four_eyes_set(manual=manual, user=alice, on=False)
    assert Notification.objects.count() == 2 and len(mailoutbox) == 2
    # The link leads to the decision.
    client.force_login(mallory)
    page = client.get(note.url).content.decode()
    assert "Approve turning it off" in page and "Decline" in page


def test_the_manager_who_asked_cannot_approve_their_own_request(manual, alice):
    services.manual_four_eyes_set(manual=manual, user=alice, on=False)
    with pytest.raises(TransitionError) as refused:
        services.manual_four_eyes_off_approve(manual=manual, user=alice)
    assert refused.value.code == "four_eyes"
    manual.refresh_from_db()
    assert manual.require_second_approver and manual.four_eyes_off_pending


def test_once_another_manager_approves_the_author_may_approve_and_the_version_says_so(
    client, make_entry, alice, mallory
):
    entry = own_draft(make_entry, alice)
    services.manual_save(manual=entry.manual, user=alice, data={"require_second_approver": False})
    services.manual_four_eyes_off_approve(manual=entry.manual, user=mallory)
    manual = Manual.objects.get(pk=entry.manual_id)
    assert not manual.require_second_approver and not manual.four_eyes_off_pending
    assert reason(manual) == "Four-eyes approval turned off, requested by alice, approved by mallory"

    version = approve_own(entry, alice)
    assert version.approved_by_author
    client.force_login(alice)
    history = client.get("/manuals/service/refund-policy/history/").content.decode()
    assert history.count("approved by its author") == 1  # version 2 only: bob wrote version 1, alice approved it
    page = client.get("/manuals/service/refund-policy/").content.decode()
    assert "approved by its author" in page


def test_a_version_approved_by_someone_else_does_not_say_so(client, make_entry, alice):
    entry = make_entry()
    assert not entry.live_version.approved_by_author
    client.force_login(alice)
    assert "approved by its author" not in client.get("/manuals/service/refund-policy/history/").content.decode()
    assert "approved by its author" not in client.get("/manuals/service/refund-policy/").content.decode()


def test_a_declined_request_leaves_four_eyes_on(manual, alice, mallory):
    services.manual_four_eyes_set(manual=manual, user=alice, on=False)
    services.manual_four_eyes_off_decline(manual=manual, user=mallory)
    manual.refresh_from_db()
    assert manual.require_second_approver and not manual.four_eyes_off_pending
    assert reason(manual) == (
        "Turning off four-eyes approval declined, requested by alice, declined by mallory; it stays on"
    )
    with pytest.raises(TransitionError) as refused:
        services.manual_four_eyes_off_approve(manual=manual, user=mallory)
    assert refused.value.code == "no_request"


def test_an_administrator_turns_four_eyes_off_at_once(manual, admin_user):
    services.manual_save(manual=manual, user=admin_user, data={"require_second_approver": False})
    manual.refresh_from_db()
    assert not manual.require_second_approver and not manual.four_eyes_off_pending
    assert reason(manual) == "Four-eyes approval turned off by root (administrator)"


def test_turning_four_eyes_on_needs_nobody(manual, alice, admin_user):
    services.manual_save(manual=manual, user=admin_user, data={"require_second_approver": False})
    services.manual_save(manual=manual, user=alice, data={"require_second_approver": True})
    manual.refresh_from_db()
    assert manual.require_second_approver
    assert reason(manual) == "Four-eyes approval turned on by alice"


def test_a_manager_cannot_start_a_manual_with_four_eyes_off(alice):
    manual = services.manual_save(
        manual=None, user=alice, data={"title": "Team", "slug": "team", "require_second_approver": False}
    )
    manual.refresh_from_db()
    assert manual.require_second_approver and manual.four_eyes_off_requested_by == alice


def test_the_settings_page_says_the_request_waits_and_another_manager_approves_it(client, manual, alice, mallory):
    client.force_login(alice)
    response = client.post("/manuals/service/settings/", settings_form(require_second_approver=None), follow=True)
    page = response.content.decode()
    assert "Turning off four-eyes approval waits for another manager" in page
    assert "Approve turning it off" not in page
    manual.refresh_from_db()
    assert manual.require_second_approver

    client.force_login(mallory)
    page = client.get("/manuals/service/settings/").content.decode()
    assert "Approve turning it off" in page
    client.post("/manuals/service/settings/four-eyes/", {"decision": "approve"})
    manual.refresh_from_db()
    assert not manual.require_second_approver


def test_the_requester_posting_an_approval_is_refused_with_a_message(client, manual, alice):
    services.manual_four_eyes_set(manual=manual, user=alice, on=False)
    client.force_login(alice)
    response = client.post("/manuals/service/settings/four-eyes/", {"decision": "approve"}, follow=True)
    assert response.status_code == 200
    assert "another manager must approve" in response.content.decode()
    manual.refresh_from_db()
    assert manual.require_second_approver


def test_a_nonsense_decision_is_a_clear_error(client, manual, alice, mallory):
    services.manual_four_eyes_set(manual=manual, user=alice, on=False)
    client.force_login(mallory)
    response = client.post("/manuals/service/settings/four-eyes/", {"decision": "maybe"}, follow=True)
    assert response.status_code == 200 and "Choose to approve or decline" in response.content.decode()


def test_editors_cannot_decide_a_request(client, manual, alice, bob):
    services.manual_four_eyes_set(manual=manual, user=alice, on=False)
    client.force_login(bob)
    assert client.post("/manuals/service/settings/four-eyes/", {"decision": "approve"}).status_code == 403


def test_a_value_change_approved_by_its_author_says_so(client, manual, alice, admin_user):
    services.manual_save(manual=manual, user=admin_user, data={"require_second_approver": False})
    shared = services.value_create(manual=manual, user=alice, name="refund_window", label="Refund window",
                                   value="30 days")  # fmt: skip
    services.value_save_draft(shared_value=shared, user=alice, value="45 days", reason="Finance agreed")
    services.value_submit(shared_value=shared, user=alice)
    shared.refresh_from_db()
    version = services.value_approve(shared_value=shared, user=alice, reviewed_lock_version=shared.lock_version)
    assert version.approved_by_author
    client.force_login(alice)
    page = client.get("/manuals/service/values/refund_window/").content.decode()
    assert "approved by its author" in page


def test_an_entry_republished_by_a_value_its_author_approved_says_so(make_entry, manual, alice, admin_user):
    shared = services.value_create(manual=manual, user=alice, name="refund_window", label="Refund window",
                                   value="30 days")  # fmt: skip
    entry = make_entry(body="Refunds within {{ refund_window }}.")
    assert not entry.live_version.approved_by_author
    services.manual_save(manual=manual, user=admin_user, data={"require_second_approver": False})
    services.value_save_draft(shared_value=shared, user=alice, value="45 days", reason="Finance agreed")
    services.value_submit(shared_value=shared, user=alice)
    shared.refresh_from_db()
    services.value_approve(shared_value=shared, user=alice, reviewed_lock_version=shared.lock_version)
    entry.refresh_from_db()
    assert entry.live_version.number == 2 and entry.live_version.approved_by_author


def test_an_administrator_turning_it_off_in_the_admin_leaves_the_reason(client, admin_user, manual):
    client.force_login(admin_user)
    response = client.post(f"/admin/policies/manual/{manual.pk}/change/", {
        "title": manual.title, "slug": manual.slug, "organisation": manual.organisation, "mission": manual.mission,
        "vision": manual.vision,
    })  # fmt: skip
    assert response.status_code == 302
    manual.refresh_from_db()
    assert not manual.require_second_approver
    assert reason(manual) == "Four-eyes approval turned off by root (administrator)"


def test_a_manager_in_the_admin_cannot_untick_four_eyes(client, alice, manual):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)
    url = f"/admin/policies/manual/{manual.pk}/change/"
    assert 'name="require_second_approver"' not in client.get(url).content.decode()
    response = client.post(url, {
        "title": manual.title, "slug": manual.slug, "organisation": manual.organisation, "mission": "Be kind.",
        "vision": manual.vision,
    })  # fmt: skip
    assert response.status_code == 302
    manual.refresh_from_db()
    assert manual.require_second_approver and manual.mission == "Be kind."


def test_the_review_queue_tells_other_managers_a_request_waits(client, manual, alice, mallory):
    services.manual_four_eyes_set(manual=manual, user=alice, on=False)
    client.force_login(mallory)
    assert "Turning off four-eyes approval waits for you" in client.get("/manuals/service/review/").content.decode()
    client.force_login(alice)
    assert "Turning off four-eyes approval waits for you" not in client.get("/manuals/service/review/").content.decode()


def test_the_requester_withdraws_their_own_request_from_the_settings_page(client, manual, alice, mallory):
    services.manual_four_eyes_set(manual=manual, user=alice, on=False)
    client.force_login(alice)
    page = client.get("/manuals/service/settings/").content.decode()
    assert "Withdraw my request" in page
    client.post("/manuals/service/settings/four-eyes/", {"decision": "decline"})
    manual.refresh_from_db()
    assert manual.require_second_approver and not manual.four_eyes_off_pending
    assert reason(manual) == "Request to turn off four-eyes approval withdrawn by alice; it stays on"

    # Another manager sees no request to withdraw: only the requester can take it back.
    services.manual_four_eyes_set(manual=manual, user=alice, on=False)
    client.force_login(mallory)
    page = client.get("/manuals/service/settings/").content.decode()
    assert "Withdraw my request" not in page and "Decline" in page
