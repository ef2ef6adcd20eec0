"""Acknowledging the change, not the whole document: who is asked, when again, and what they are shown."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from acknowledgements import obligations
from acknowledgements import services as ack_services
from acknowledgements.models import Acknowledgement
from policies import services

from .conftest import publish, revise


def test_a_new_entry_asks_everyone_and_acknowledging_records_who_which_and_when(make_entry, carol):
    entry = make_entry()
    [state] = obligations.pending_for(carol)
    assert state.entry == entry and state.required.number == 1 and not state.asked_again
    ack = ack_services.entry_acknowledge(entry=entry, user=carol)
    assert (ack.user, ack.version.number) == (carol, 1) and ack.acknowledged_at
    assert obligations.pending_for(carol) == []
    assert ack_services.entry_acknowledge(entry=entry, user=carol) == ack  # twice changes nothing
    assert Acknowledgement.objects.count() == 1


def test_a_minor_fix_asks_nobody_again(make_entry, carol, bob, alice):
    entry = make_entry()
    ack_services.entry_acknowledge(entry=entry, user=carol)
    revise(entry, author=bob, approver=alice, material=False, body="Refunds within **30 days**, typo fixed.")
    assert obligations.pending_for(carol) == []
    state = obligations.entry_state(entry, carol)
    assert state.done and state.acknowledged.number == 1 and state.required.number == 1


def test_a_material_change_asks_again_and_shows_the_change_since_the_acknowledged_version(
    client, make_entry, carol, bob, alice
):
    entry = make_entry(body="Refunds within **30 days**.")
    ack_services.entry_acknowledge(entry=entry, user=carol)
    revise(entry, author=bob, approver=alice, material=False, body="Refunds within **30 days**, with a receipt.")
    revise(entry, author=bob, approver=alice, material=True, body="Refunds within **45 days**, with a receipt.")
    [state] = obligations.pending_for(carol)
    assert state.asked_again and state.acknowledged.number == 1 and state.required.number == 3

    client.force_login(carol)
    page = client.get(f"/manuals/service/{entry.slug}/").content.decode()
    assert "This changed since you acknowledged version 1" in page
    # The word diff runs from the version acknowledged (1) to the live one (3), minor fix included.
    assert "<del>30</del><ins>45</ins>" in page and "<ins>, with a receipt</ins>" in page
    client.post(f"/manuals/service/{entry.slug}/acknowledge/", {"version": "3"})
    assert obligations.entry_state(entry, carol).done
    assert "You acknowledged this version" in client.get(f"/manuals/service/{entry.slug}/").content.decode()


def test_a_material_change_asks_exactly_its_audience(make_entry, carol, dave, phone, bob, alice):
    carol.profile.teams.add(phone)
    entry = make_entry(published=False)
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"audience": ["phone-support"]})
    publish(entry, author=bob, approver=alice)
    entry.refresh_from_db()
    assert [s.entry for s in obligations.pending_for(carol)] == [entry]
    assert obligations.pending_for(dave) == []  # chat support is not asked
    with pytest.raises(ValidationError, match="does not apply to your teams"):
        ack_services.entry_acknowledge(entry=entry, user=dave)


def test_an_unknown_team_in_the_audience_is_refused(make_entry, bob):
    entry = make_entry(published=False)
    with pytest.raises(ValidationError, match="No team is called night-shift"):
        services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"audience": ["night-shift"]})


def test_acknowledgements_become_overdue_after_the_manuals_days(make_entry, carol, alice):
    entry = make_entry()
    services.manual_save(manual=entry.manual, user=alice, data={"ack_days": 7})
    [state] = obligations.pending_for(carol)
    assert state.due == timezone.localdate() + timedelta(days=7) and not state.overdue
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        [state] = obligations.pending_for(carol)
        assert state.overdue


def test_someone_who_joins_later_has_the_full_time_from_the_day_they_joined(make_entry, alice):
    entry = make_entry()
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        newcomer = User.objects.create_user("erin", password="pw-erin")
        [state] = obligations.pending_for(newcomer)
        assert state.entry == entry and state.due == timezone.localdate() + timedelta(days=14)
        assert not state.overdue


def test_a_retired_or_draft_entry_asks_nobody(make_entry, carol, alice):
    retired = make_entry("old-policy")
    services.entry_retire(entry=retired, user=alice, reason="Replaced")
    make_entry("draft-only", published=False)
    assert obligations.pending_for(carol) == []


def test_the_acknowledge_address_takes_only_a_post(client, make_entry, carol):
    entry = make_entry()
    client.force_login(carol)
    assert client.get(f"/manuals/service/{entry.slug}/acknowledge/").status_code == 405
    assert not Acknowledgement.objects.exists()


def test_acknowledging_a_version_that_was_replaced_while_reading_asks_to_read_the_new_one(
    client, make_entry, carol, bob, alice
):
    entry = make_entry()
    revise(entry, author=bob, approver=alice, material=True, body="Refunds within **60 days**.")
    client.force_login(carol)
    response = client.post(f"/manuals/service/{entry.slug}/acknowledge/", {"version": "1"}, follow=True)
    assert "A newer version was published while you were reading" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_people_land_on_their_page_after_signing_in_and_see_what_awaits_them(client, make_entry, carol):
    make_entry("refund-policy", title="Refund policy")
    response = client.post("/accounts/login/", {"username": "carol", "password": "pw-carol"})
    assert response["Location"] == "/my/"
    page = client.get("/my/").content.decode()
    assert "To read and acknowledge" in page and "Refund policy" in page and "new for you" in page
    assert "Changed since your last visit" in page


def test_the_home_page_costs_the_same_queries_at_any_size(client, make_entry, carol, django_assert_max_num_queries):
    for i in range(3):
        make_entry(f"entry-{i}")
    client.force_login(carol)
    client.get("/my/")
    with django_assert_max_num_queries(16) as small:
        client.get("/my/")
    for i in range(3, 15):
        make_entry(f"entry-{i}")
    with django_assert_max_num_queries(16) as big:
        client.get("/my/")
    assert len(small.captured_queries) == len(big.captured_queries)


def test_changed_since_the_last_visit_lists_what_was_published_after_it(client, make_entry, carol, bob, alice):
    entry = make_entry("refund-policy", title="Refund policy")
    client.force_login(carol)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        client.get("/my/")  # a visit: the window starts here for the next one
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        revise(entry, author=bob, approver=alice, material=True, body="Refunds within **45 days**.")
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        page = client.get("/my/").content.decode()
        assert "version 2" in page and "Revised" in page
        # Coming back a few minutes later still shows the same changes.
        assert "version 2" in client.get("/my/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert "Nothing that applies to you changed since" in client.get("/my/").content.decode()


def test_the_rule_refuses_who_is_not_asked_and_records_the_rest_once(make_entry, carol, phone):
    phone_only = make_entry("phone-greeting", audience=[phone.slug])
    with pytest.raises(ValidationError) as refused:
        ack_services.entry_acknowledge(entry=phone_only, user=carol)  # carol is in no team
    assert refused.value.code == "not_for_you"
    assert refused.value.messages == ["This entry does not apply to your teams, so there is nothing to acknowledge."]
    assert not Acknowledgement.objects.exists()

    everyone = make_entry("refund-policy")
    ack_services.entry_acknowledge(entry=everyone, user=carol)
    assert Acknowledgement.objects.get().history.latest().history_change_reason == "Acknowledged version 1"
    again = ack_services.entry_acknowledge(entry=everyone, user=carol)  # a second press changes nothing
    assert again == Acknowledgement.objects.get() and Acknowledgement.objects.count() == 1
