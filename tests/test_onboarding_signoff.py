"""An onboarding packet that names the new hire, says what it contains, and is signed in the app."""

from io import BytesIO

from pypdf import PdfReader

from notifications.models import Notification, NotificationKind
from policies import acknowledgements, services
from policies.models import Acknowledgement, AckSource


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
    acknowledgements.entry_acknowledge(entry=first, user=carol)
    client.force_login(carol)
    status_url = _packet(client, "service", {"role": "Store staff", "sections": ["policies"]})
    assert "Sign it in the app" in client.get(status_url).content.decode()
    response = client.post(status_url + "sign/", follow=True)
    assert "You acknowledged 1 entry of the packet." in response.content.decode()
    acks = Acknowledgement.objects.filter(user=carol).order_by("entry__slug")
    assert [(a.entry.slug, a.source) for a in acks] == [("exchanges", AckSource.ONBOARDING),
                                                       ("refund-policy", AckSource.ENTRY)]  # fmt: skip
    assert acknowledgements.pending_for(carol) == []
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
    assert acknowledgements.pending_for(carol) == []
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within 60 days."})
    from .conftest import publish

    publish(entry, author=bob, approver=alice, summary="Longer window")
    assert [s.entry.pk for s in acknowledgements.pending_for(carol)] == [entry.pk]
