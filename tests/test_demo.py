"""The demo: a year of history that auditors can look back on, loaded once, and reset on purpose."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demo import story
from notifications.models import Notification
from policies import selectors, services
from policies.models import Edition, Entry, EntryStatus, EntryVersion, Manual, PDFKind, StoredPDF

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def row_counts() -> dict[str, int]:
    """Rows of every model, history models included."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, force=True, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, inside a transaction rolled back after its last test. Each test
    runs in a savepoint within it, so what one test changes the next does not see."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER), transaction.atomic():
        output = load_demo()
        yield {"output": output, "counts": row_counts()}
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db):
    return Manual.objects.get(slug=story.DEMO_MANUAL_SLUG)


@pytest.fixture
def agent_client(client, demo):
    assert client.login(username="agent", password="demo-agent-2026")
    return client


def three_months_ago() -> str:
    return (timezone.localdate() - timedelta(days=91)).isoformat()


def user(username: str) -> User:
    return User.objects.get(username=username)


# Loading -------------------------------------------------------------------------------------------------------


def test_the_first_load_reports_the_story_and_the_logins(loaded):
    output = loaded["output"]

    assert 'Loaded the demo manual "Customer Service Manual" (northwind), with a year of history' in output
    assert 'in review now: "Phone protocol"' in output
    assert "/manuals/northwind/?as_of=" in output
    for demo_user in story.DEMO_USERS:
        assert f"  {demo_user.username:<8} demo-{demo_user.username}-2026 " in output


def test_loading_again_writes_nothing_and_says_so(demo):
    before = row_counts()

    with CaptureQueriesContext(connection) as queries:
        output = load_demo()

    assert row_counts() == before
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert "is already loaded; nothing was changed" in output
    assert "reset_demo" in output
    assert "dana     demo-dana-2026" in output


def test_a_second_load_keeps_a_retirement_and_an_approved_edit(demo):
    video = Entry.objects.get(manual=demo, slug="video-protocol")
    services.entry_retire(entry=video, user=user("dana"), reason="Video consultations have ended.")
    conduct = Entry.objects.get(manual=demo, slug="code-of-conduct")
    conduct = services.entry_save_draft(
        entry=conduct, manual=demo, user=user("omar"), data={"body": conduct.body + "\n\nA line added in the app."}
    )
    services.entry_submit(entry=conduct, user=user("omar"), summary="One more line")
    conduct.refresh_from_db()
    services.entry_approve(
        entry=conduct, user=user("manager"), change_summary="Added a line.", reviewed_lock_version=conduct.lock_version
    )
    before = row_counts()

    output = load_demo()

    assert "nothing was changed" in output
    assert row_counts() == before
    video.refresh_from_db()
    conduct.refresh_from_db()
    assert video.status == EntryStatus.RETIRED
    assert conduct.live_version.number == 2
    assert conduct.live_version.body.endswith("A line added in the app.")


def test_load_demo_refuses_to_run_without_debug(demo, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match=r"DEBUG is off"):
        call_command("load_demo", stdout=io.StringIO())


# Resetting -----------------------------------------------------------------------------------------------------


def test_reset_demo_deletes_every_trace_and_loads_the_demo_again(
    demo, loaded, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    services.entry_retire(
        entry=Entry.objects.get(manual=demo, slug="video-protocol"), user=user("dana"), reason="Ended."
    )
    pdf = StoredPDF.objects.create(manual=demo, kind=PDFKind.EDITION, edition=demo.editions.first(), key="demo-test")
    pdf.file.save("edition.pdf", ContentFile(b"%PDF-1.7 demo"))
    pdf_path = Path(pdf.file.path)

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reset_demo", "--yes", stdout=out)

    assert "Deleted the demo manual: 23 entries, 37 versions, 6 sections, 2 editions, 1 stored PDFs" in out.getvalue()
    assert "Loaded the demo manual" in out.getvalue()
    # Exactly what a first load makes, history included: nothing of the old manual is left to confuse a past view.
    # (Notifications are compared apart: the first load here ran in a test transaction whose commit never came, so
    # the managers were not yet told of the draft in review; after the reset they are, once each.)
    counts, before = row_counts(), dict(loaded["counts"])
    notes, notes_before = counts.pop("notifications.Notification"), before.pop("notifications.Notification")
    # The search index is filled once a load commits, which the first load here never did: after the reset it
    # holds the demo's live entries, and nothing of the old manual.
    for table in ("search.SearchDocument", "search.SearchTerm"):
        counts.pop(table, None), before.pop(table, None)
    assert counts == before
    review_requests = Notification.objects.filter(kind="review_requested")
    assert sorted(review_requests.values_list("user__username", flat=True)) == ["admin", "dana", "manager"]
    assert notes == notes_before + review_requests.count()
    assert not pdf_path.exists()
    manual = Manual.objects.get(slug="northwind")
    assert Entry.objects.get(manual=manual, slug="video-protocol").is_live
    assert set(Entry.history.values_list("manual_id", flat=True)) == {manual.pk}
    from search.models import SearchDocument

    indexed = SearchDocument.objects.values_list("entry__manual_id", flat=True)
    assert list(set(indexed)) == [manual.pk] and len(indexed) == Entry.objects.live().filter(manual=manual).count()


def test_loading_the_demo_emails_the_managers_only_what_concerns_today(
    demo, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reset_demo", "--yes", stdout=io.StringIO())

    # Each manager hears of the draft in review and of who is late acknowledging; nobody else gets an email.
    sent = sorted((message.to[0], message.subject.split(":")[1].split(",")[0].strip()) for message in mailoutbox)
    assert sent == [
        (f"{name}@example.com", subject)
        for name in ("admin", "dana", "manager")
        for subject in ("Overdue acknowledgements", "Review requested")
    ]
    # The year's backlog of reminders is in the app, not in anyone's inbox.
    agent_reminders = Notification.objects.filter(user__username="agent", kind="ack_overdue", read_at__isnull=True)
    assert agent_reminders.exists()


def test_reset_demo_asks_first_and_stops_unless_told_yes(demo, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    before = row_counts()

    with pytest.raises(CommandError, match="nothing was deleted"):
        call_command("reset_demo", stdout=io.StringIO())

    assert row_counts() == before


def test_reset_demo_refuses_to_run_without_debug_unless_forced(demo, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match=r"DEBUG is off"):
        call_command("reset_demo", "--yes", stdout=io.StringIO())
    call_command("reset_demo", "--yes", "--force", stdout=io.StringIO())

    assert Manual.objects.filter(slug="northwind").count() == 1


# The year the demo lived through -------------------------------------------------------------------------------


def test_the_demo_has_two_editions_with_release_notes(demo):
    first, second = Edition.objects.filter(manual=demo).order_by("released_at")
    today = timezone.localdate()

    assert 230 <= (today - timezone.localdate(first.released_at)).days <= 250
    assert 38 <= (today - timezone.localdate(second.released_at)).days <= 46
    for edition in (first, second):
        assert edition.label == f"{timezone.localdate(edition.released_at).year}.{edition.label.split('.')[1]}"
    assert "## New entries" in first.release_notes
    assert "## Revised entries" in second.release_notes and "## Retired entries" in second.release_notes
    assert "Price match promise" in second.release_notes
    assert {first.released_by.username, second.released_by.username} == {"manager", "dana"}


def test_the_demo_has_one_draft_in_review_and_one_retired_entry(demo):
    in_review = Entry.objects.get(manual=demo, status=EntryStatus.IN_REVIEW)
    retired = Entry.objects.get(manual=demo, status=EntryStatus.RETIRED)

    assert (in_review.slug, in_review.submitted_by.username) == ("phone-protocol", "editor")
    assert "## Busy periods" in in_review.body and "## Busy periods" not in in_review.live_version.body
    assert in_review.submission_note
    assert retired.slug == "price-match-promise"
    assert "everyday low prices" in retired.retired_reason
    assert 60 <= (timezone.localdate() - timezone.localdate(retired.retired_at)).days <= 80


def test_the_demo_history_spreads_over_a_year_of_working_days(demo):
    versions = EntryVersion.objects.filter(entry__manual=demo)
    today = timezone.localdate()
    first_days = {(today - timezone.localdate(v.approved_at)).days for v in versions.filter(number=1)}
    revisions = versions.filter(number__gt=1)

    assert 330 <= min(first_days) and max(first_days) <= 366 and len(first_days) == 3
    assert revisions.count() >= 10
    assert {v.approver.username for v in revisions} == {"manager", "dana"}
    assert len({v.author.username for v in revisions}) >= 3
    assert all(v.author_id != v.approver_id for v in revisions)
    assert {v.is_material for v in revisions} == {True, False}
    assert all(len(v.change_summary) > 40 for v in revisions)
    stamps = list(Entry.history.filter(manual_id=demo.pk).values_list("history_date", flat=True))
    stamps += list(EntryVersion.objects.values_list("approved_at", flat=True))
    assert all(timezone.localtime(s).weekday() < 5 and 9 <= timezone.localtime(s).hour < 18 for s in stamps)
    assert max(stamps) < timezone.now() - timedelta(days=1)


def test_revisions_change_the_text_readers_see(demo):
    for version in EntryVersion.objects.filter(entry__manual=demo, number__gt=1):
        previous = EntryVersion.objects.get(entry=version.entry, number=version.number - 1)
        bodies = selectors.version_bodies([previous, version])  # with the shared values each was published with
        changed = set(bodies[version.pk].split()) ^ set(bodies[previous.pk].split())
        assert len(changed) >= 2, version


# Reading the past ----------------------------------------------------------------------------------------------


def test_the_manual_three_months_ago_lists_the_entries_of_that_time(agent_client):
    past = agent_client.get(f"/manuals/northwind/?as_of={three_months_ago()}").content.decode()
    today = agent_client.get("/manuals/northwind/").content.decode()

    assert "You are reading the manual as it stood on" in past
    for title in ("Refund and reimbursement policy", "Live chat and messaging protocol", "Gear guarantee and repairs"):
        assert title in past and title in today
    assert "Price match promise" in past and "Price match promise" not in today


def test_an_entry_three_months_ago_reads_as_it_did_then(agent_client):
    past = agent_client.get(f"/manuals/northwind/refund-policy/?as_of={three_months_ago()}").content.decode()
    today = agent_client.get("/manuals/northwind/refund-policy/").content.decode()

    assert "Holiday purchases" in today and "Holiday purchases" not in past
    assert agent_client.get(f"/manuals/northwind/price-match-promise/?as_of={three_months_ago()}").status_code == 200
    assert agent_client.get("/manuals/northwind/price-match-promise/").status_code == 404


def test_comparing_the_two_editions_shows_revised_and_retired_entries(agent_client, demo):
    first, second = Edition.objects.filter(manual=demo).order_by("released_at").values_list("label", flat=True)

    html = agent_client.get(f"/manuals/northwind/compare/?from={first}&to={second}").content.decode()

    assert f"From <strong>Edition {first}</strong> to <strong>Edition {second}</strong>" in html
    assert "Gear guarantee and repairs" in html and "three weeks" in html
    assert "Price match promise" in html and "everyday low prices" in html
    assert "<ins>" in html and "Nothing changed between these two points." not in html


def test_comparing_the_last_edition_with_today_shows_the_changes_since(agent_client, demo):
    latest = Edition.objects.filter(manual=demo).latest("released_at").label

    html = agent_client.get(f"/manuals/northwind/compare/?from={latest}&to={timezone.localdate()}").content.decode()

    assert "Refund and reimbursement policy" in html and "holiday returns extension" in html
    assert "Phone protocol" not in html  # the draft in review is not published


def test_the_demo_has_feedback_answered_by_revisions_and_some_still_open(demo):
    from feedback.models import FeedbackItem, FeedbackStatus

    items = FeedbackItem.objects.filter(manual=demo)
    answered = items.filter(status=FeedbackStatus.DONE, closing_version__isnull=False)
    assert sorted(answered.values_list("entry__slug", flat=True)) == [
        "gear-guarantee", "handling-complaints", "how-we-speak", "refund-policy",
    ]  # fmt: skip
    assert all(item.closed_at.date() > item.received_on for item in answered)
    still_open = items.exclude(status__in=[FeedbackStatus.DONE, FeedbackStatus.DECLINED])
    assert still_open.count() == 4 and still_open.filter(entry__isnull=True).count() == 1
    old_complaint = still_open.get(source="complaint")
    assert (timezone.localdate() - old_complaint.received_on).days > 30
    second = demo.editions.order_by("released_at").last()
    holiday = answered.get(entry__slug="refund-policy")
    assert f"#{holiday.pk}" not in second.release_notes  # it was answered after the second edition
    repairs = answered.get(entry__slug="gear-guarantee")
    assert f"Answers feedback #{repairs.pk} (survey of" in second.release_notes
    notes = services.edition_draft_notes(demo)
    assert f"Answers feedback #{holiday.pk} (complaint of" in notes


def test_the_demo_has_scripts_and_targets_that_changed_with_their_revisions(demo):
    standard = Entry.objects.get(manual=demo, slug="response-times")
    first, live = standard.versions.order_by("number").first(), standard.live_version
    social = {t["metric"]: t for t in live.targets}["Public mentions answered"]
    assert (social["value"], social["unit"]) == ("1", "hour")
    assert {t["metric"]: t for t in first.targets}["Public mentions answered"]["value"] == "2"
    phone = Entry.objects.get(manual=demo, slug="phone-protocol").live_version
    assert [g["channel"] for g in phone.script_groups] == ["phone"] and len(phone.scripts) == 6


def test_the_demo_has_a_protocol_whose_scripts_are_shown_in_a_tab_per_channel(agent_client):
    page = agent_client.get("/manuals/northwind/video-protocol/").content.decode()
    tabs = page.split('role="tablist" aria-label="Channels"')[1].split("</div>")[0]
    assert 'id="tab-phone"' in tabs and 'id="tab-video"' in tabs
    assert 'id="scripts-phone" role="tabpanel"' in page and 'id="scripts-video" role="tabpanel"' in page
    assert "we lost the video. Would you like to carry on by phone now" in page


def test_the_demo_has_failed_searches_for_the_dashboard(demo):
    from search.selectors import top_failed_searches

    rows = top_failed_searches(demo, limit=10)
    assert rows[0].query == "loyalty points" and rows[0].count == 3
    assert {row.query for row in rows} >= {"gift card balance", "click and collect", "refund to a different card"}
