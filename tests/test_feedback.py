import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from feedback import services as services_feedback
from feedback.models import FeedbackItem, FeedbackStatus
from feedback.services import feedback_record, feedback_set_status
from notifications.models import Notification
from policies import services
from tests.conftest import revise, shown

CSV_HEADER = "date,source,channel,entry,customer_reference,text\n"


def _url(name, manual, **kwargs):
    return reverse(f"feedback:{name}", kwargs={"manual": manual.slug, **kwargs})


def _upload(client, manual, text, name="feedback.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(_url("import", manual), {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


@pytest.fixture
def refund(make_entry):
    return make_entry("refund-policy")


def test_recording_feedback_about_an_unknown_title_says_so_and_keeps_what_was_typed(client, alice, manual, refund):
    client.force_login(alice)
    response = client.post(
        _url("record", manual),
        {"source": "customer", "channel": "email", "received_on": "2026-03-14", "customer_reference": "CASE-7",
         "entry": "Refunds for vouchers", "text": "Can I get my voucher back?"},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "No entry is called “Refunds for vouchers”." in page
    assert 'value="Refunds for vouchers"' in page and 'value="CASE-7"' in page and "Can I get my voucher back?" in page
    assert '<option value="Refund policy"></option>' in page  # the titles it may choose from, as you type
    assert not FeedbackItem.objects.exists()


def test_reader_sends_feedback_from_the_entry_page(client, carol, manual, refund):
    client.force_login(carol)
    page = client.get(refund.get_absolute_url())
    assert "Suggest a change" in page.content.decode()
    url = _url("send", manual) + "?entry=refund-policy"
    assert url in page.content.decode().replace("&amp;", "&")

    response = client.post(url, {"text": "Say whether gift cards count."}, follow=True)

    assert response.redirect_chain[-1][0] == refund.get_absolute_url()
    assert "Thank you" in response.content.decode()
    item = FeedbackItem.objects.get()
    assert (item.entry, item.source, item.status, item.submitted_by) == (refund, "employee", "new", carol)
    assert item.history.first().history_user == carol


def test_feedback_needs_a_published_entry(client, carol, manual, make_entry):
    make_entry("draft-only", published=False)
    client.force_login(carol)
    response = client.post(_url("send", manual) + "?entry=draft-only", {"text": "Hello"})
    assert response.status_code == 404
    assert not FeedbackItem.objects.exists()


def test_manager_records_a_complaint(client, alice, manual, refund):
    client.force_login(alice)
    assert client.get(_url("record", manual)).status_code == 200
    response = client.post(
        _url("record", manual),
        {
            "source": "complaint",
            "channel": "phone",
            "received_on": "2026-03-14",
            "customer_reference": "CASE-1042",
            "entry": refund.title.upper(),  # typed as its title, in any case
            "text": "Was told 30 days; the receipt says 14.",
        },
    )
    assert response.status_code == 302
    item = FeedbackItem.objects.get()
    assert (item.source, item.channel, item.received_on, item.customer_reference, item.entry) == (
        "complaint",
        "phone",
        datetime.date(2026, 3, 14),
        "CASE-1042",
        refund,
    )
    assert item.submitted_by == alice


def test_csv_preview_reports_bad_rows_by_line_and_imports_nothing(client, alice, manual, refund):
    client.force_login(alice)
    text = CSV_HEADER + (
        "2026-03-14,complaint,phone,refund-policy,C-1,Too slow\n"
        "14/03/2026,customer,,,,Bad date\n"
        "2026-03-14,rumour,,,,Unknown source\n"
        "2026-03-14,customer,pigeon,,,Unknown channel\n"
        "2026-03-14,customer,,no-such-entry,,Unknown entry\n"
        "2026-03-14,survey,,,,\n"
    )
    response = _upload(client, manual, text)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 3: bad date" in page
    assert "Line 4: unknown source" in page
    assert "Line 5: unknown channel" in page
    assert "Line 6: unknown entry slug" in page
    assert "Line 7: empty text" in page
    assert "1 to import" in page
    assert not FeedbackItem.objects.exists()

    client.post(_url("import_confirm", manual), {"digest": client.session["feedback_import"]["digest"]})
    assert list(FeedbackItem.objects.values_list("text", flat=True)) == ["Too slow"]


def test_reimporting_the_same_file_imports_nothing(client, alice, manual, refund, tmp_path):
    text = CSV_HEADER + "2026-03-14,complaint,phone,refund-policy,C-1,Too slow\n2026-03-15,survey,,,,Hours differ\n"
    client.force_login(alice)
    _upload(client, manual, text)
    client.post(_url("import_confirm", manual), {"digest": client.session["feedback_import"]["digest"]})
    assert FeedbackItem.objects.count() == 2

    page = _upload(client, manual, text).content.decode()
    assert "0 to import" in page and "2 already imported" in page
    client.post(_url("import_confirm", manual), {"digest": client.session["feedback_import"]["digest"]})
    assert FeedbackItem.objects.count() == 2

    path = tmp_path / "feedback.csv"
    path.write_text(text + "2026-03-16,customer,email,,,New one\n")
    call_command("import_feedback", "service", str(path), "--user", "alice")
    assert FeedbackItem.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("é".encode("latin-1") + b"\n", "not UTF-8"),
        (b"\x00\x01PK", "not a CSV"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
        (b"name,email\nx,y\n", "must name the columns"),
    ],
)
def test_unreadable_files_get_a_clear_error(client, alice, manual, data, message):
    client.force_login(alice)
    response = _upload(client, manual, data)
    assert response.status_code == 400
    assert message in response.content.decode()


def _item(manual, alice, **fields):
    data = {"source": "customer", "channel": "", "received_on": timezone.localdate(), "text": "Something"}
    data.update(fields)
    return feedback_record(manual=manual, user=alice, **data)


def test_triage_board_filters_and_csv(client, alice, manual, refund):
    old = _item(manual, alice, text="Old chat item", channel="chat", received_on=datetime.date(2020, 1, 1))
    _item(manual, alice, text="Phone complaint", source="complaint", channel="phone", entry=refund)
    done = _item(manual, alice, text="Done already")
    client.force_login(alice)
    client.post(_url("set_status", manual, item=done.pk), {"status": "done"})
    done.refresh_from_db()
    assert done.status == "done" and done.closed_by == alice

    board = client.get(_url("board", manual)).content.decode()
    assert "Old chat item" in board and "Phone complaint" in board and "Done already" not in board
    filtered = client.get(_url("board", manual), {"channel": "phone"}).content.decode()
    assert "Phone complaint" in filtered and "Old chat item" not in filtered
    assert "Old chat item" not in client.get(_url("board", manual), {"entry": "refund-policy"}).content.decode()
    assert "Phone complaint" not in client.get(_url("board", manual), {"source": "customer"}).content.decode()
    aged = client.get(_url("board", manual), {"age": "90"}).content.decode()
    assert "Old chat item" in aged and "Phone complaint" not in aged
    assert "Done already" in client.get(_url("board", manual), {"status": "done"}).content.decode()

    response = client.get(_url("board", manual), {"format": "csv", "status": "all"})
    assert response["Content-Type"] == "text/csv"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("id,received_on,source,channel,entry")
    assert len(lines) == 4
    assert any(str(old.pk) in line and "Old chat item" in line for line in lines)


def test_approving_a_revision_closes_feedback_and_notifies_the_submitter(client, alice, bob, carol, manual, refund):
    client.force_login(carol)
    client.post(_url("send", manual) + "?entry=refund-policy", {"text": "Mention gift cards."})
    item = FeedbackItem.objects.get()
    services.entry_save_draft(
        entry=refund, manual=manual, user=bob, data={"body": "Refunds within 30 days, gift cards too."}
    )
    services.entry_submit(entry=refund, user=bob)

    client.force_login(alice)
    review = client.get(reverse("policies:entry_review", args=[manual.slug, refund.slug])).content.decode()
    assert f'name="feedback" value="{item.pk}"' in review
    response = client.post(
        reverse("policies:entry_approve", args=[manual.slug, refund.slug]),
        {"change_summary": "Gift cards", "reviewed_lock_version": shown(refund), "feedback": [str(item.pk)]},
    )
    assert response.status_code == 302
    assert "1 feedback item closed as answered." in client.get(response.url).content.decode()

    item.refresh_from_db()
    assert item.status == FeedbackStatus.DONE
    assert item.closing_version.number == 2 and item.closed_by == alice
    note = Notification.objects.get(user=carol, kind="feedback_answered")
    assert note.url == refund.get_absolute_url()
    history = client.get(reverse("policies:entry_history", args=[manual.slug, refund.slug])).content.decode()
    assert "Feedback answered by version 2" in history


def test_the_next_release_notes_name_the_feedback_a_revision_answered(alice, bob, manual, refund):
    complaint = _item(manual, alice, source="complaint", entry=refund, received_on=datetime.date(2026, 3, 2))
    other = _item(manual, alice, entry=refund, text="Not answered")
    version = revise(refund, author=bob, approver=alice, body="Refunds within 45 days.", summary="Longer window")
    services_feedback.feedback_close_with_version(items=[complaint], version=version, user=alice)

    notes = services.edition_draft_notes(manual)

    assert f"Answers feedback #{complaint.pk} (complaint of 2 March 2026, version 2)." in notes
    assert f"#{other.pk}" not in notes
    services.edition_release(manual=manual, user=alice, label="2026.1", release_notes=notes)
    revise(refund, author=bob, approver=alice, body="Refunds within 60 days.", summary="Longer still")
    assert f"#{complaint.pk}" not in services.edition_draft_notes(manual)  # it belongs to the edition before


def test_the_board_costs_the_same_queries_at_any_size(client, alice, manual, refund, django_assert_num_queries):
    client.force_login(alice)
    _item(manual, alice, entry=refund)
    client.get(_url("board", manual))
    with django_assert_num_queries(10) as first:
        client.get(_url("board", manual))
    for n in range(5):
        _item(manual, alice, entry=refund, text=f"More {n}", channel="email")
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(_url("board", manual)).content.decode()
    assert "More 4" in page


def test_the_board_shows_fifty_items_a_page_and_one_item_by_its_number(client, alice, manual, refund):
    client.force_login(alice)
    items = [_item(manual, alice, entry=refund, text=f"Item number {n:02d}") for n in range(55)]
    first = client.get(_url("board", manual)).content.decode()
    assert first.count('class="card feedback-item"') == 50
    assert "1–50 of 55 items" in first and 'New <span class="chip">55</span>' in first
    second = client.get(_url("board", manual), {"page": 2}).content.decode()
    assert second.count('class="card feedback-item"') == 5
    feedback_set_status(item=items[3], status="done", user=alice)
    one = client.get(_url("board", manual), {"item": items[3].pk}).content.decode()
    assert one.count('class="card feedback-item"') == 1 and "Item number 03" in one and f"#{items[3].pk}" in one


@pytest.mark.parametrize("name", ["board", "record", "import", "import_confirm"])
def test_agents_are_refused_on_every_manager_page(client, carol, manual, name):
    client.force_login(carol)
    url = _url(name, manual)
    assert (client.post(url) if name == "import_confirm" else client.get(url)).status_code == 403
    assert client.get(url + "?format=csv").status_code in (403, 405)


def test_agents_cannot_change_a_status(client, alice, carol, manual):
    item = _item(manual, alice)
    client.force_login(carol)
    assert client.post(_url("set_status", manual, item=item.pk), {"status": "done"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "new"


def test_a_manager_ties_an_item_to_an_entry_by_typing_its_title(client, alice, manual, refund, make_entry):
    make_entry("draft-only", title="Loyalty points", published=False)
    item = _item(manual, alice, source="complaint", text="Refused a refund at day 31")
    client.force_login(alice)
    board = client.get(_url("board", manual)).content.decode()
    assert f'<datalist id="entry-titles"><option value="{refund.title}"></option></datalist>' in board  # live only
    url = _url("set_status", manual, item=item.pk)

    page = client.post(url, {"status": "new", "entry": f"  {refund.title.upper()} "}, follow=True).content.decode()
    item.refresh_from_db()
    assert item.entry == refund
    assert f"#{item.pk} about “{refund.title}”." in page
    assert f'list="entry-titles" value="{refund.title}"' in page

    # A title nobody wrote: a clear error, and the status chosen with it is still saved.
    page = client.post(url, {"status": "planned", "entry": "Refunds for gift cards"}, follow=True).content.decode()
    assert "No entry is called “Refunds for gift cards”. Pick one of the titles suggested as you type." in page
    item.refresh_from_db()
    assert item.entry == refund and item.status == FeedbackStatus.PLANNED


def test_a_manager_links_an_item_to_an_entry_from_the_board(client, alice, manual, refund, make_entry):
    item = _item(manual, alice, source="complaint", text="Refused a refund at day 31")
    client.force_login(alice)
    url = _url("set_status", manual, item=item.pk)

    page = client.post(url, {"status": "planned", "entry": "refund-policy"}, follow=True).content.decode()

    item.refresh_from_db()
    assert item.entry == refund and item.status == FeedbackStatus.PLANNED
    assert f"#{item.pk} marked planned and about “{refund.title}”." in page
    reasons = list(item.history.values_list("history_change_reason", flat=True))
    assert reasons[:2] == ["Marked planned", f"About “{refund.title}”"]
    page = client.post(url, {"status": "planned", "entry": "no-such-entry"}, follow=True).content.decode()
    assert "No entry is called “no-such-entry”. Pick one of the titles suggested as you type." in page
    item.refresh_from_db()
    assert item.entry == refund
    client.post(url, {"status": "planned", "entry": ""})
    item.refresh_from_db()
    assert item.entry is None
