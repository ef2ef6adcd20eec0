"""One way for a version to go live: approval, a shared value's approval, an effective date arriving and an import
with --publish each make a version live through ``version_publish``, with the same outcome."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from acknowledgements import obligations
from acknowledgements import services as ack_services
from feedback.models import FeedbackStatus
from feedback.services import feedback_send
from notifications.models import Notification, NotificationKind
from policies import services
from policies.importexport import manual_import
from policies.models import Entry
from policies.scheduling import add_months

from .conftest import publish
from .test_import_export import folder  # noqa: F401  (the small manual folder fixture)

JAN = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
APRIL = datetime(2026, 4, 14, 10, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(JAN, tick=False) as traveller:
        yield traveller


def told(user, entry) -> bool:
    return Notification.objects.filter(
        user=user, kind=NotificationKind.MATERIAL_CHANGE, url__endswith=f"/{entry.slug}/"
    ).exists()


def asked(user, entry) -> bool:
    """Whether the entry waits for ``user``'s acknowledgement on their page."""
    entry = Entry.objects.select_related("ack_version", "manual").get(pk=entry.pk)
    return any(s.entry.pk == entry.pk and not s.done for s in obligations.states_for(user, [entry]))


def assert_went_live(entry, *, number, on, reader):
    """What every path does when a version goes live: the text, the publication dates, the next review, the
    acknowledgement asked of its audience, who is told."""
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.live_version.number == number
    assert entry.last_published_at == on
    assert entry.first_published_at is not None and entry.first_published_at <= on
    assert entry.next_review_on == add_months(on.date(), entry.review_every_months)
    assert entry.ack_version_id == entry.live_version_id
    assert asked(reader, entry) and told(reader, entry)


def test_a_first_version_approved_as_minor_asks_and_tells_its_audience(
    make_entry, bob, alice, carol, clock, django_capture_on_commit_callbacks
):
    entry = make_entry(published=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_submit(entry=entry, user=bob)
        entry.refresh_from_db()
        services.entry_approve(
            entry=entry, user=alice, change_summary="First text", is_material=False,
            reviewed_lock_version=entry.lock_version,
        )  # fmt: skip
    assert_went_live(entry, number=1, on=JAN, reader=carol)


def test_a_minor_revision_asks_nobody_again(make_entry, bob, alice, carol, clock, django_capture_on_commit_callbacks):
    entry = make_entry()
    ack_services.entry_acknowledge(entry=Entry.objects.get(pk=entry.pk), user=carol)
    Notification.objects.all().delete()
    clock.move_to(APRIL)
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds in 30 days."})
        publish(entry, author=bob, approver=alice, summary="Wording", material=False)
    entry.refresh_from_db()
    assert entry.live_version.number == 2 and entry.next_review_on == add_months(APRIL.date(), 12)
    assert not asked(carol, entry) and not told(carol, entry)


def test_a_shared_value_change_goes_live_like_an_approval(
    make_entry, manual, bob, alice, mallory, carol, clock, django_capture_on_commit_callbacks
):
    shared = services.value_create(manual=manual, user=alice, name="refund_window", label="Refund window",
                                   value="30 days")  # fmt: skip
    entry = make_entry(body="Refunds within {{ refund_window }}.")
    ack_services.entry_acknowledge(entry=Entry.objects.get(pk=entry.pk), user=carol)
    clock.move_to(APRIL)
    with django_capture_on_commit_callbacks(execute=True):
        services.value_save_draft(shared_value=shared, user=alice, value="45 days", reason="Longer", is_material=True)
        services.value_submit(shared_value=shared, user=alice)
        shared.refresh_from_db()
        services.value_approve(shared_value=shared, user=mallory, reviewed_lock_version=shared.lock_version)
    assert_went_live(entry, number=2, on=APRIL, reader=carol)


def test_an_effective_date_arriving_goes_live_like_an_approval(
    make_entry, bob, alice, carol, clock, django_capture_on_commit_callbacks
):
    entry = make_entry()
    ack_services.entry_acknowledge(entry=Entry.objects.get(pk=entry.pk), user=carol)
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_save_draft(entry=entry, manual=entry.manual, user=bob,
                                  data={"body": "Refunds within 45 days.", "effective_date": APRIL.date()})  # fmt: skip
        publish(entry, author=bob, approver=alice, summary="Forty-five days from April")
    entry.refresh_from_db()
    assert entry.live_version.number == 1 and entry.scheduled_version.number == 2
    assert told(carol, entry)  # asked at approval, to read it ahead

    clock.move_to(APRIL)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic", stdout=open("/dev/null", "w"))
    on = datetime(2026, 4, 14, 0, 0, tzinfo=UTC)  # the start of the effective date
    assert_went_live(entry, number=2, on=on, reader=carol)
    assert Entry.objects.get(pk=entry.pk).history.first().history_change_reason == "Version 2 took effect"


def test_an_import_with_publish_goes_live_like_an_approval(
    folder,  # noqa: F811
    alice,
    carol,
    clock,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        manual_import(path=folder, publish=True, user=alice)
    guarantee = Entry.objects.get(slug="guarantee")
    assert_went_live(guarantee, number=1, on=JAN, reader=carol)


def test_the_feedback_a_version_answers_closes_with_it_and_stays_open_if_it_rolls_back(
    make_entry, bob, alice, carol, clock
):
    entry = make_entry()
    item = feedback_send(manual=entry.manual, entry=entry, user=carol, text="Say how long a card refund takes.")
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "Card refunds: 5 days."})
    services.entry_submit(entry=entry, user=bob)
    entry.refresh_from_db()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.entry_approve(entry=entry, user=alice, change_summary="Card refunds", answers=[item.pk],
                               reviewed_lock_version=entry.lock_version)  # fmt: skip
        raise RuntimeError("the publication fails after the approval")
    item.refresh_from_db()
    assert item.status != FeedbackStatus.DONE

    version = services.entry_approve(entry=entry, user=alice, change_summary="Card refunds", answers=[item.pk],
                                     reviewed_lock_version=entry.lock_version)  # fmt: skip
    item.refresh_from_db()
    assert item.status == FeedbackStatus.DONE and item.closing_version == version
