"""An onboarding packet that names the new hire, says what it contains, and is signed in the app."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from acknowledgements import obligations
from acknowledgements import services as ack_services
from acknowledgements.models import Acknowledgement, AckSource
from notifications.models import Notification, NotificationKind
from policies import pdfs, services
from policies.models import Manual, StoredPDF

from .conftest import publish


def _pdf_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _packet(client, manual_slug, data):
    response = client.post(f"/manuals/{manual_slug}/onboarding/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_a_named_packet_names_the_new_hire_the_edition_and_the_sections(client, alice, carol, make_entry):
    carol.first_name, carol.last_name = "Carol", "Jones"
    carol.save()
    entry = make_entry("refund-policy", title="Refund policy")
    client.force_login(alice)
    status_url = _packet(client, "service", {"person": carol.pk, "role": "Chat agent", "sections": ["policies"]})
    status = client.get(status_url + "?format=json").json()
    pages = PdfReader(BytesIO(_pdf_bytes(client.get(status["download"])))).pages
    assert "Prepared for: Carol Jones, Chat agent" in pages[0].extract_text()
    last = pages[-1].extract_text()
    assert "Carol Jones" in last and "Live edition" in last and "Policies (1)" in last
    assert entry.manual.title in last

    # The packet is Carol's: she may open it and sign it, though the manager asked for it.
    client.force_login(carol)
    assert client.get(status_url).status_code == 200


def test_signing_in_the_app_acknowledges_every_version_in_the_packet(client, alice, carol, make_entry):
    first = make_entry("refund-policy", title="Refund policy")
    second = make_entry("exchanges", title="Exchanges")
    ack_services.entry_acknowledge(entry=first, user=carol)
    client.force_login(carol)
    status_url = _packet(client, "service", {"role": "Store staff", "sections": ["policies"]})
    assert "Sign it in the app" in client.get(status_url).content.decode()
    response = client.post(status_url + "sign/", follow=True)
    assert "You acknowledged 1 entry of the packet." in response.content.decode()
    acks = Acknowledgement.objects.filter(user=carol).order_by("entry__slug")
    assert [(a.entry.slug, a.source) for a in acks] == [("exchanges", AckSource.ONBOARDING),
                                                       ("refund-policy", AckSource.ENTRY)]  # fmt: skip
    assert obligations.pending_for(carol) == []
    assert second.pk in {a.entry_id for a in acks}


def test_signing_the_packet_marks_read_the_notifications_asking_to_acknowledge_it(
    client, alice, carol, make_entry, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_entry("refund-policy", title="Refund policy")
    asked = Notification.objects.filter(user=carol, kind=NotificationKind.MATERIAL_CHANGE, read_at=None)
    assert asked.count() == 1
    client.force_login(carol)
    status_url = _packet(client, "service", {"role": "Store staff", "sections": ["policies"]})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url + "sign/")
    assert asked.count() == 0


def test_someone_else_cannot_sign_a_packet_made_for_another_person(client, alice, bob, carol, make_entry):
    make_entry()
    client.force_login(alice)
    status_url = _packet(client, "service", {"person": carol.pk, "role": "Chat agent", "sections": ["policies"]})
    from django.contrib.auth.models import User

    from .conftest import _user

    _user("frank", "Agents")
    client.force_login(User.objects.get(username="frank"))
    assert client.post(status_url + "sign/").status_code == 403
    assert not Acknowledgement.objects.exists()


def test_a_material_change_after_signing_asks_again(client, alice, bob, carol, make_entry):
    entry = make_entry()
    client.force_login(carol)
    status_url = _packet(client, "service", {"role": "Store staff", "sections": ["policies"]})
    client.post(status_url + "sign/")
    assert obligations.pending_for(carol) == []
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within 60 days."})
    from .conftest import publish

    publish(entry, author=bob, approver=alice, summary="Longer window")
    assert [s.entry.pk for s in obligations.pending_for(carol)] == [entry.pk]


QUESTIONS = [{"prompt": "How long is the refund window?", "choices": ["14 days", "30 days"], "answer": 1}]


@pytest.fixture
def quizzed(make_entry, alice, mallory):
    """A published entry with a comprehension check, and beside it one without."""
    make_entry("exchanges", title="Exchanges")
    entry = make_entry("refund-policy", title="Refund policy")
    services.entry_save_draft(entry=entry, manual=entry.manual, user=alice, data={"questions": QUESTIONS})
    publish(entry, author=alice, approver=mallory, summary="Added a comprehension check")
    entry.refresh_from_db()
    return entry


def _fail_the_check(client, entry):
    response = client.post(f"/manuals/service/{entry.slug}/acknowledge/", {"version": "2", "q1": "0"})
    assert response.status_code == 400


def test_signing_a_packet_does_not_acknowledge_an_entry_whose_check_failed_and_says_which(client, carol, quizzed):
    client.force_login(carol)
    _fail_the_check(client, quizzed)
    status_url = _packet(client, "service", {"person": carol.pk, "role": "Chat agent", "sections": ["policies"]})
    response = client.post(status_url + "sign/", follow=True)
    page = response.content.decode()
    assert "You acknowledged 1 entry of the packet." in page
    assert "Not yet acknowledged, until you pass their comprehension check: “Refund policy”" in page
    assert "Still needing their comprehension check" in page
    assert f'href="/manuals/service/{quizzed.slug}/">Refund policy</a>' in page
    assert list(Acknowledgement.objects.filter(user=carol).values_list("entry__slug", flat=True)) == ["exchanges"]
    assert [s.entry.pk for s in obligations.pending_for(carol)] == [quizzed.pk]


def test_once_the_check_is_passed_the_packet_counts_the_entry_done(client, carol, quizzed):
    client.force_login(carol)
    _fail_the_check(client, quizzed)
    status_url = _packet(client, "service", {"role": "Chat agent", "sections": ["policies"]})
    client.post(status_url + "sign/")
    client.post(f"/manuals/service/{quizzed.slug}/acknowledge/", {"version": "2", "q1": "1"})
    page = client.get(status_url).content.decode()
    assert "Still needing their comprehension check" not in page
    response = client.post(status_url + "sign/", follow=True)
    assert "Not yet acknowledged" not in response.content.decode()
    assert obligations.pending_for(carol) == []


def test_a_passed_check_for_the_version_is_what_lets_it_be_acknowledged(carol, quizzed):
    version = quizzed.live_version
    facts = ack_services.ack_facts(carol, [version])
    assert ack_services.acknowledge_refusal(entry=quizzed, version=version, facts=facts).code == "check_needed"
    facts.passed.add(version.pk)
    assert ack_services.acknowledge_refusal(entry=quizzed, version=version, facts=facts) is None
    earlier = quizzed.versions.get(number=1)
    facts.passed = {earlier.pk}  # a check passed on another version does not count for this one
    assert ack_services.acknowledge_refusal(entry=quizzed, version=version, facts=facts).code == "check_needed"


def test_no_source_of_acknowledgement_skips_the_check(carol, quizzed):
    with pytest.raises(ack_services.WrongAnswers):
        ack_services.entry_acknowledge(entry=quizzed, user=carol, source=AckSource.ONBOARDING)
    assert not Acknowledgement.objects.exists()


def test_an_agent_cannot_make_a_packet_naming_someone_else(client, carol, dave, make_entry):
    make_entry()
    client.force_login(carol)
    page = client.get("/manuals/service/onboarding/").content.decode()
    assert f'value="{carol.pk}"' in page and f'value="{dave.pk}"' not in page  # only themselves to choose
    response = client.post("/manuals/service/onboarding/",
                           {"person": dave.pk, "role": "Chat agent", "sections": ["policies"]})  # fmt: skip
    assert response.status_code == 403
    assert "Only managers make onboarding packets for other people" in response.content.decode()
    assert not StoredPDF.objects.exists()
    with pytest.raises(PermissionDenied):
        pdfs.packet_request(manual=Manual.objects.get(), user=carol, person=dave, role="Agent", sections=["policies"])


def test_an_agent_may_make_a_packet_naming_themselves_and_sign_it(client, carol, make_entry):
    make_entry()
    client.force_login(carol)
    status_url = _packet(client, "service", {"person": carol.pk, "role": "Chat agent", "sections": ["policies"]})
    assert StoredPDF.objects.get().params["person"] == carol.pk
    response = client.post(status_url + "sign/", follow=True)
    assert "You acknowledged 1 entry of the packet." in response.content.decode()


def test_a_manager_may_make_a_packet_naming_anyone(client, alice, carol, dave, make_entry):
    make_entry()
    client.force_login(alice)
    page = client.get("/manuals/service/onboarding/").content.decode()
    assert f'value="{carol.pk}"' in page and f'value="{dave.pk}"' in page
    for person in (carol, dave):
        _packet(client, "service", {"person": person.pk, "role": "Chat agent", "sections": ["policies"]})
    assert {p.params["person"] for p in StoredPDF.objects.all()} == {carol.pk, dave.pk}


def test_signing_records_the_packet_in_the_history(client, carol, make_entry):
    make_entry("refund-policy", title="Refund policy")
    client.force_login(carol)
    status_url = _packet(client, "service", {"role": "Store staff", "sections": ["policies"]})
    client.post(status_url + "sign/")
    ack = Acknowledgement.objects.get(user=carol)
    assert ack.history.latest().history_change_reason == "Signed the onboarding packet (version 1)"


def test_a_packet_with_nothing_for_the_signer_says_so(client, carol, make_entry, phone):
    make_entry("phone-greeting", title="Phone greeting", audience=["phone-support"])  # Carol is in no team
    client.force_login(carol)
    status_url = _packet(client, "service", {"role": "Store staff", "sections": ["policies"]})
    response = client.post(status_url + "sign/", follow=True)
    assert "Nothing in this packet applies to your teams, so there is nothing to sign." in response.content.decode()
    assert not Acknowledgement.objects.exists()
