"""The channel pages: what applies on one channel, gathered from the whole manual."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from policies import services

from .conftest import revise

PHONE_HOLD = {"channel": "phone", "situation": "Hold", "text": "May I put you on hold for two minutes?"}
CHAT_CLOSE = {"channel": "chat", "situation": "Macro: closing", "text": "Thanks for chatting."}
ANSWER = {"metric": "Calls answered", "channel": "phone", "comparison": "within", "value": "60", "unit": "seconds",
          "period": "per day"}  # fmt: skip
CSAT = {"metric": "Satisfaction", "channel": "", "comparison": "at_least", "value": "90", "unit": "%", "period": ""}
EMAIL = {"metric": "First reply", "channel": "email", "comparison": "within", "value": "4", "unit": "hours",
         "period": ""}  # fmt: skip


@pytest.fixture
def phone_manual(make_entry, manual, alice, bob):
    services.manual_save(manual=manual, user=alice, data={"channels": ["phone", "email"]})
    protocol = make_entry("phone-protocol", kind="protocol", channels=["phone"], body="Answer politely.")
    revise(protocol, author=bob, approver=alice, scripts=[PHONE_HOLD, CHAT_CLOSE])
    standard = make_entry("response-times", kind="standard", body="How fast.")
    revise(standard, author=bob, approver=alice, targets=[ANSWER, CSAT, EMAIL])
    make_entry("refund-policy", channels=["phone", "in-person"])
    make_entry("letters", kind="protocol", channels=["written"])
    return manual


def test_a_channel_page_gathers_targets_scripts_and_entries(client, carol, phone_manual, bob):
    draft = phone_manual.entries.get(slug="letters")
    services.entry_save_draft(entry=draft, manual=phone_manual, user=bob, data={"channels": ["written", "phone"]})
    client.force_login(carol)

    response = client.get(reverse("policies:channel_detail", args=[phone_manual.slug, "phone"]))
    page = response.content.decode().split('id="main"')[1]  # the page itself, not the contents beside it

    assert "<h1>Phone</h1>" in page
    assert "within 60 seconds" in page and "at least 90%" in page and "(all channels)" in page
    assert "within 4 hours" not in page  # measured on email
    assert "May I put you on hold" in page and "Thanks for chatting" not in page
    assert "<h2>Policies</h2>" in page and "Refund policy" in page and "<h2>Protocols</h2>" in page
    assert "Letters" not in page  # the draft that names the phone is not published


def test_the_channel_list_shows_the_channels_served_and_those_entries_name(client, carol, phone_manual):
    client.force_login(carol)
    page = client.get(reverse("policies:channel_list", args=[phone_manual.slug])).content.decode()
    assert "/channels/phone/" in page and "/channels/email/" in page and "/channels/written/" in page
    assert "/channels/video/" not in page
    assert "3 entries · 1 script · 1 target" in page  # phone: protocol, standard, refund policy
    assert "not among the channels served" in page  # written letters


def test_an_entry_links_its_channels_to_their_pages(client, carol, phone_manual):
    client.force_login(carol)
    page = client.get(reverse("policies:entry_detail", args=[phone_manual.slug, "refund-policy"])).content.decode()
    assert f'href="/manuals/{phone_manual.slug}/channels/in-person/">In person</a>' in page


def test_a_channel_page_as_of_a_past_date_shows_what_applied_then(client, carol, phone_manual, alice, bob):
    protocol = phone_manual.entries.get(slug="phone-protocol")
    before = timezone.now()
    with time_machine.travel(before + timedelta(minutes=5), tick=False):
        revise(protocol, author=bob, approver=alice, scripts=[{**PHONE_HOLD, "text": "One moment, please."}])
    client.force_login(carol)
    url = reverse("policies:channel_detail", args=[phone_manual.slug, "phone"])
    assert "One moment, please." in client.get(url).content.decode()
    past = client.get(url, {"as_of": before.isoformat()}).content.decode()
    assert "May I put you on hold" in past and "One moment" not in past


def test_an_unknown_channel_is_not_found(client, carol, phone_manual):
    client.force_login(carol)
    assert client.get(f"/manuals/{phone_manual.slug}/channels/fax/").status_code == 404


def test_the_channel_page_costs_the_same_queries_at_any_size(
    client, carol, phone_manual, make_entry, django_assert_num_queries
):
    client.force_login(carol)
    url = reverse("policies:channel_detail", args=[phone_manual.slug, "phone"])
    client.get(url)
    with django_assert_num_queries(8) as first:
        client.get(url)
    for n in range(5):
        make_entry(f"extra-{n}", channels=["phone"])
    with django_assert_num_queries(len(first.captured_queries)):
        assert "Extra 4" in client.get(url).content.decode()
