"""The rules of the entry workflow: every refused step, review tied to the text reviewed, normalised text,
reserved addresses, events after the commit, reinstating and deleting, shared onboarding packets."""

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client

from policies import events, services
from policies.models import Entry, EntryStatus, EntryVersion, Manual, PDFKind, StoredPDF
from policies.services import TransitionError
from policies.slugs import rename_entries_using

from .conftest import shown

LONG_BODY = "\n\n".join(
    [f"Paragraph {n} says how agents handle case {n}." for n in range(1, 6)]
    + ["Refunds are paid within 30 days of the request."]
    + [f"Paragraph {n} says how agents handle case {n}." for n in range(7, 11)]
)


def person(username: str, group: str) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username)
    user.groups.add(Group.objects.get(name=group))
    return user


def stored(entry) -> dict:
    """What a refused step must leave as it was."""
    entry = Entry.objects.get(pk=entry.pk)
    return {
        "status": entry.status,
        "lock_version": entry.lock_version,
        "history": entry.history.count(),
        "versions": entry.versions.count(),
        "live_version": entry.live_version_id,
    }


def edit(entry, user, **data):
    return services.entry_save_draft(entry=entry, manual=entry.manual, user=user, data=data)


def approve(entry, user, *, reviewed, summary="Approved"):
    return services.entry_approve(entry=entry, user=user, change_summary=summary, reviewed_lock_version=reviewed)


@contextmanager
def listening(signal):
    """The keyword arguments of every sending of ``signal`` while the block runs (and its commit callbacks)."""
    heard = []

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    signal.connect(receiver, weak=False)
    try:
        yield heard
    finally:
        signal.disconnect(receiver)


@pytest.fixture
def retired(make_entry, alice):
    entry = make_entry()
    return services.entry_retire(entry=entry, user=alice, reason="Replaced by the returns policy")


@pytest.fixture
def in_review(make_entry, bob):
    """A published entry with a revision by bob waiting for review."""
    entry = make_entry()
    edit(entry, bob, body="Refunds within **14 days**.")
    return services.entry_submit(entry=entry, user=bob, summary="Shorter refund window")


# Refused transitions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step",
    [
        lambda entry, bob, alice: edit(entry, bob, body="New text"),
        lambda entry, bob, alice: services.entry_submit(entry=entry, user=bob),
        lambda entry, bob, alice: approve(entry, alice, reviewed=shown(entry)),
    ],
    ids=["edit", "submit", "approve"],
)
def test_a_retired_entry_cannot_be_edited_submitted_or_approved(retired, bob, alice, step):
    before = stored(retired)
    with pytest.raises(TransitionError) as refused:
        step(retired, bob, alice)
    assert refused.value.code == "retired"
    assert stored(retired) == before


def test_retiring_twice_is_refused(retired, alice):
    before = stored(retired)
    with pytest.raises(TransitionError) as refused:
        services.entry_retire(entry=retired, user=alice, reason="Again")
    assert refused.value.code == "already_retired"
    assert stored(retired) == before
    assert Entry.objects.get(pk=retired.pk).retired_reason == "Replaced by the returns policy"


def test_reinstating_a_live_entry_is_refused(make_entry, alice):
    entry = make_entry()
    before = stored(entry)
    with pytest.raises(TransitionError) as refused:
        services.entry_reinstate(entry=entry, user=alice)
    assert refused.value.code == "not_retired"
    assert stored(entry) == before


def test_a_never_published_draft_cannot_be_retired(make_entry, alice):
    entry = make_entry(published=False)
    before = stored(entry)
    with pytest.raises(TransitionError) as refused:
        services.entry_retire(entry=entry, user=alice, reason="Not needed")
    assert refused.value.code == "never_published"
    assert stored(entry) == before


@pytest.mark.parametrize("published_then", ["live", "retired"])
def test_an_entry_that_was_published_cannot_be_deleted(make_entry, alice, published_then):
    entry = make_entry()
    if published_then == "retired":
        services.entry_retire(entry=entry, user=alice, reason="Old")
    before = stored(entry)
    with pytest.raises(TransitionError) as refused:
        services.entry_delete_draft(entry=entry, user=alice)
    assert refused.value.code == "was_published"
    assert stored(entry) == before


def test_an_entry_already_in_review_cannot_be_submitted_again(in_review, bob):
    before = stored(in_review)
    with pytest.raises(TransitionError) as refused:
        services.entry_submit(entry=in_review, user=bob)
    assert refused.value.code == "not_a_draft"
    assert stored(in_review) == before


def test_submitting_a_published_entry_with_no_changes_says_there_is_nothing_to_submit(make_entry, bob):
    entry = make_entry()
    before = stored(entry)
    with pytest.raises(TransitionError) as refused:
        services.entry_submit(entry=entry, user=bob)
    assert refused.value.code == "nothing_to_submit"
    assert stored(entry) == before


def test_a_draft_linking_to_a_missing_entry_cannot_be_submitted_and_the_message_names_it(make_entry, bob):
    entry = make_entry(published=False, body="See [the old policy](no-such-entry.md).")
    before = stored(entry)
    with pytest.raises(TransitionError) as refused:
        services.entry_submit(entry=entry, user=bob)
    assert refused.value.code == "broken_links"
    assert "no-such-entry" in " ".join(refused.value.messages)
    assert stored(entry) == before


@pytest.mark.parametrize("decision", ["approve", "request_changes"])
def test_a_draft_not_in_review_cannot_be_approved_or_sent_back(make_entry, alice, decision):
    entry = make_entry(published=False)
    before = stored(entry)
    with pytest.raises(TransitionError) as refused:
        if decision == "approve":
            approve(entry, alice, reviewed=shown(entry))
        else:
            services.entry_request_changes(entry=entry, user=alice, comment="Shorter, please.")
    assert refused.value.code == "not_in_review"
    assert stored(entry) == before


def test_a_manager_cannot_approve_their_own_changes(make_entry, alice):
    entry = make_entry()
    edit(entry, alice, body="Refunds within 60 days.")
    services.entry_submit(entry=entry, user=alice)
    before = stored(entry)
    with pytest.raises(TransitionError) as refused:
        approve(entry, alice, reviewed=shown(entry))
    assert refused.value.code == "four_eyes"
    assert stored(entry) == before
    assert Entry.objects.get(pk=entry.pk).live_version.body == "Refunds within **30 days**."


def test_an_approval_that_does_not_say_which_text_was_reviewed_is_refused(in_review, alice):
    before = stored(in_review)
    with pytest.raises(TransitionError) as refused:
        approve(in_review, alice, reviewed=None)
    assert refused.value.code == "not_reviewed"
    assert stored(in_review) == before


def test_approving_text_that_changed_after_the_reviewer_opened_it_is_refused(in_review, alice, bob):
    reviewed = shown(in_review)
    edit(in_review, bob, body="Refunds within **21 days**.")
    services.entry_submit(entry=in_review, user=bob)
    before = stored(in_review)
    with pytest.raises(TransitionError) as refused:
        approve(in_review, alice, reviewed=reviewed)
    assert refused.value.code == "stale_review"
    assert stored(in_review) == before
    assert Entry.objects.get(pk=in_review.pk).live_version.body == "Refunds within **30 days**."
    # Having read the new text, the reviewer can approve it.
    assert approve(in_review, alice, reviewed=shown(in_review)).body == "Refunds within **21 days**."


def test_publishing_without_review_needs_unpublished_changes(make_entry, alice):
    entry = make_entry()
    before = stored(entry)
    with pytest.raises(TransitionError) as refused:
        services.entry_approve(entry=entry, user=alice, change_summary="Again", enforce_review=False)
    assert refused.value.code == "nothing_to_publish"
    assert stored(entry) == before


# Review follows the text -----------------------------------------------------------------------------------------


def test_editing_an_entry_in_review_takes_it_back_to_draft(make_entry, alice, bob):
    entry = make_entry(published=False)
    services.entry_submit(entry=entry, user=bob, summary="Ready")
    submitted = shown(entry)
    edit(entry, bob, body="Refunds within **10 days**.")
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.status == EntryStatus.DRAFT
    # Neither the submitted text nor the new one can be approved until the author submits again.
    for reviewed in (submitted, shown(entry)):
        with pytest.raises(TransitionError) as refused:
            approve(entry, alice, reviewed=reviewed)
        assert refused.value.code == "not_in_review"
    assert not entry.versions.exists()


def test_moving_an_entry_in_review_keeps_it_in_review_and_the_review_valid(in_review, alice, manual):
    reviewed = shown(in_review)
    other = services.section_save(
        section=None, manual=manual, user=alice, data={"title": "Returns", "slug": "returns", "order": 2}
    )
    services.entry_move(entry=in_review, user=alice, section=other, order=3)
    entry = Entry.objects.get(pk=in_review.pk)
    assert entry.status == EntryStatus.IN_REVIEW
    assert shown(entry) != reviewed
    # Arranging the manual made alice no author of the text: she may still approve bob's change.
    version = approve(entry, alice, reviewed=reviewed)
    assert (version.number, version.body, version.section) == (2, "Refunds within **14 days**.", other)


# Normalised text ---------------------------------------------------------------------------------------------------


def test_saving_the_same_text_with_crlf_and_trailing_spaces_changes_nothing(make_entry, bob):
    entry = make_entry(body="First line.\nSecond line.\n\nNext paragraph.")
    before = stored(entry)
    edit(entry, bob, body="First line. \r\nSecond line.\t \r\n  \r\nNext paragraph.   \r\n\r\n")
    assert stored(entry) == before
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.PUBLISHED


def test_trailing_spaces_after_a_list_item_are_no_change(make_entry, bob):
    entry = make_entry(body="Bring:\n\n- the receipt\n- the card")
    before = stored(entry)
    edit(entry, bob, body="Bring:\r\n\r\n- the receipt   \r\n- the card\r\n")
    assert stored(entry) == before
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.PUBLISHED


def test_markdown_hard_breaks_inside_a_paragraph_are_kept(make_entry, bob):
    entry = make_entry(published=False, body="Call us on\r\n0800 123   \r\nor write.  \r\n")
    assert entry.body == "Call us on\n0800 123  \nor write."
    assert "0800 123<br" in entry.body_html


def test_manual_mission_is_normalised_and_saving_it_again_from_a_browser_changes_nothing(manual, alice):
    services.manual_save(manual=manual, user=alice, data={"mission": "We listen. \r\nWe help.\t\r\n\r\n"})
    manual.refresh_from_db()
    assert manual.mission == "We listen.\nWe help."
    rows = manual.history.count()
    services.manual_save(manual=manual, user=alice, data={"mission": "We listen.\r\nWe help. \r\n"})
    assert manual.history.count() == rows


def test_section_intro_is_normalised_and_saving_it_again_from_a_browser_changes_nothing(section, manual, alice):
    services.section_save(section=section, manual=manual, user=alice, data={"intro": "What we promise. \r\n\r\n"})
    section.refresh_from_db()
    assert section.intro == "What we promise."
    rows = section.history.count()
    services.section_save(section=section, manual=manual, user=alice, data={"intro": "What we promise.\r\n"})
    assert section.history.count() == rows


def test_review_comment_and_change_summary_are_normalised(make_entry, bob, alice):
    entry = make_entry(published=False)
    services.entry_submit(entry=entry, user=bob)
    services.entry_request_changes(entry=entry, user=alice, comment="Name the form. \r\nThanks.\t\r\n")
    entry.refresh_from_db()
    assert entry.review_comment == "Name the form.\nThanks."
    edit(entry, bob, body="Refunds within 30 days, on form R1.")
    services.entry_submit(entry=entry, user=bob)
    version = approve(entry, alice, reviewed=shown(entry), summary="Names the form. \r\nFirst version.\r\n\r\n")
    assert version.change_summary == "Names the form.\nFirst version."


# Reserved and taken addresses -------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["search", "dashboard", "acknowledgements"])
def test_an_entry_cannot_take_the_address_of_a_page_of_the_manual(manual, section, bob, slug):
    data = {"title": "Reserved", "slug": slug, "kind": "policy", "body": "Text", "section": section}
    with pytest.raises(ValidationError) as refused:
        services.entry_save_draft(entry=None, manual=manual, user=bob, data=data)
    assert slug in " ".join(refused.value.message_dict["slug"])
    assert not Entry.objects.exists()


def test_an_entry_cannot_be_renamed_to_a_reserved_address(make_entry, bob):
    entry = make_entry(published=False)
    before = stored(entry)
    with pytest.raises(ValidationError) as refused:
        edit(entry, bob, slug="dashboard")
    assert "dashboard" in " ".join(refused.value.message_dict["slug"])
    assert stored(entry) == before


def test_the_service_refuses_a_second_entry_with_the_same_address(make_entry, manual, section, bob):
    make_entry("refund-policy", published=False)
    data = {"title": "Another", "slug": "refund-policy", "kind": "policy", "body": "Text", "section": section}
    with pytest.raises(ValidationError) as refused:
        services.entry_save_draft(entry=None, manual=manual, user=bob, data=data)
    assert "already uses" in " ".join(refused.value.message_dict["slug"])
    assert Entry.objects.count() == 1


@pytest.mark.parametrize(("slug", "says"), [("new", "“new” is the address"), ("service", "already exists")])
def test_a_manual_cannot_take_a_reserved_or_taken_address(manual, alice, slug, says):
    data = {"title": "Second manual", "slug": slug, "organisation": "Acme"}
    with pytest.raises(ValidationError) as refused:
        services.manual_save(manual=None, user=alice, data=data)
    assert says in " ".join(refused.value.message_dict["slug"])
    assert Manual.objects.count() == 1


def test_an_entry_using_a_newly_reserved_name_is_renamed_and_its_old_address_redirects(
    client, make_entry, alice, carol
):
    entry = make_entry("team-api", title="Team API")
    Entry.objects.filter(pk=entry.pk).update(slug="api")  # as it stood before the name was reserved

    assert rename_entries_using(apps, ["api"]) == [(entry.pk, "api", "api-entry")]

    assert Entry.objects.get(pk=entry.pk).slug == "api-entry"
    assert entry.history.filter(history_change_reason__startswith="Renamed from “api”").exists()
    client.force_login(alice)
    assert "Renamed from “api”" in client.get("/manuals/service/api-entry/history/").content.decode()
    client.force_login(carol)
    response = client.get("/manuals/service/api/")
    assert (response.status_code, response["Location"]) == (301, "/manuals/service/api-entry/")
    assert "Team API" in client.get(response["Location"]).content.decode()


def entry_form(entry, **changes) -> dict:
    data = {
        "title": entry.title,
        "slug": entry.slug,
        "kind": entry.kind,
        "summary": entry.summary,
        "body": entry.body,
        "owner": entry.owner,
        "review_every_months": str(entry.review_every_months),
        "effective_date": "",
        "lock_version": str(entry.lock_version),
        "action": "save",
    }
    return {**data, **changes}


def test_renaming_an_entry_in_the_editor_leaves_a_redirect_from_its_old_address(client, make_entry, bob, carol):
    entry = make_entry("refund-policy", title="Refund policy")
    client.force_login(bob)
    assert client.post("/manuals/service/refund-policy/edit/", entry_form(entry, slug="refunds")).status_code == 302
    client.force_login(carol)
    response = client.get("/manuals/service/refund-policy/")
    assert (response.status_code, response["Location"]) == (301, "/manuals/service/refunds/")
    assert "Refunds within" in client.get("/manuals/service/refunds/").content.decode()


def test_a_new_entry_taking_an_old_address_ends_its_redirect(client, make_entry, bob, alice, carol):
    moved = make_entry("refund-policy", title="Refund policy")
    edit(moved, bob, slug="refunds")
    newcomer = make_entry("refund-policy", title="Refund policy for gift cards", body="Gift cards are not refunded.")
    services.entry_retire(entry=newcomer, user=alice, reason="Gift cards discontinued")
    client.force_login(carol)
    # The address belonged to the gift-card entry; now it is retired, readers must not land on another entry.
    assert client.get("/manuals/service/refund-policy/").status_code == 404


# Events after the commit ------------------------------------------------------------------------------------------


def test_publishing_is_announced_once_after_the_commit(make_entry, bob, alice, django_capture_on_commit_callbacks):
    entry = make_entry(published=False)
    services.entry_submit(entry=entry, user=bob)
    with listening(events.entry_published) as heard:
        with django_capture_on_commit_callbacks(execute=True):
            version = approve(entry, alice, reviewed=shown(entry))
            assert heard == []
    assert len(heard) == 1
    assert (heard[0]["entry"].pk, heard[0]["version"], heard[0]["user"]) == (entry.pk, version, alice)


def test_a_rolled_back_approval_announces_nothing(make_entry, bob, alice, django_capture_on_commit_callbacks):
    entry = make_entry(published=False)
    services.entry_submit(entry=entry, user=bob)
    with listening(events.entry_published) as heard:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                approve(entry, alice, reviewed=shown(entry))
                raise RuntimeError("the request failed after the approval")
    assert heard == []
    assert not EntryVersion.objects.exists()


def test_retiring_is_announced_with_the_reason(make_entry, alice, django_capture_on_commit_callbacks):
    entry = make_entry()
    with listening(events.entry_retired) as heard:
        with django_capture_on_commit_callbacks(execute=True):
            services.entry_retire(entry=entry, user=alice, reason="Replaced by the returns policy")
    assert [(h["entry"].pk, h["user"], h["reason"]) for h in heard] == [
        (entry.pk, alice, "Replaced by the returns policy")
    ]


def test_releasing_an_edition_is_announced(make_entry, manual, alice, django_capture_on_commit_callbacks):
    make_entry()
    with listening(events.edition_released) as heard:
        with django_capture_on_commit_callbacks(execute=True):
            edition = services.edition_release(manual=manual, user=alice, label="2026.1", release_notes="First")
    assert [(h["edition"], h["user"]) for h in heard] == [(edition, alice)]


def test_release_notes_give_the_stored_retirement_reason_not_the_history_text(make_entry, manual, alice):
    entry = make_entry("gift-cards", title="Gift cards")
    services.edition_release(manual=manual, user=alice, label="2026.1", release_notes="")
    services.entry_retire(entry=entry, user=alice, reason="Gift cards discontinued")
    assert Entry.objects.get(pk=entry.pk).retired_reason == "Gift cards discontinued"
    entry.history.filter(history_change_reason__startswith="Retired").update(history_change_reason="Retired: tidied up")
    notes = services.edition_draft_notes(manual)
    assert "## Retired entries" in notes
    assert "**Gift cards**: Gift cards discontinued." in notes
    assert "tidied up" not in notes


# Reinstating and deleting -----------------------------------------------------------------------------------------


def test_a_reinstated_entry_stays_hidden_until_a_second_manager_approves_it(client, retired, alice, mallory, carol):
    services.entry_reinstate(entry=retired, user=alice, reason="The returns policy was withdrawn")
    entry = Entry.objects.get(pk=retired.pk)
    assert entry.status == EntryStatus.DRAFT
    client.force_login(carol)
    assert client.get("/manuals/service/refund-policy/").status_code == 404
    assert "Refund policy" not in client.get("/manuals/service/").content.decode()

    services.entry_submit(entry=entry, user=alice)
    with pytest.raises(TransitionError) as refused:
        approve(entry, alice, reviewed=shown(entry))
    assert refused.value.code == "four_eyes"
    assert client.get("/manuals/service/refund-policy/").status_code == 404

    version = approve(entry, mallory, reviewed=shown(entry), summary="Back in use")
    assert version.number == 2
    page = client.get("/manuals/service/refund-policy/")
    assert page.status_code == 200 and "Refunds within" in page.content.decode()
    assert "Refund policy" in client.get("/manuals/service/").content.decode()


@pytest.mark.parametrize("deleter", ["bob", "alice"])
def test_a_never_published_draft_can_be_deleted_by_its_author_or_a_manager(make_entry, request, deleter):
    entry = make_entry(published=False)
    user = request.getfixturevalue(deleter)
    services.entry_delete_draft(entry=entry, user=user)
    assert not Entry.objects.filter(pk=entry.pk).exists()
    deletion = Entry.history.get(id=entry.pk, history_type="-")
    assert deletion.history_user == user
    assert "Deleted" in deletion.history_change_reason


@pytest.mark.parametrize("group", ["Editors", "Agents"])
def test_another_editor_or_an_agent_cannot_delete_a_draft(make_entry, group):
    entry = make_entry(published=False)
    before = stored(entry)
    with pytest.raises(PermissionDenied):
        services.entry_delete_draft(entry=entry, user=person("dave", group))
    assert stored(entry) == before


def test_the_delete_page_asks_for_confirmation(make_entry, bob):
    entry = make_entry(published=False)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(bob)
    url = "/manuals/service/refund-policy/delete/"
    assert browser.get(url).status_code == 200
    token = {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
    unconfirmed = browser.post(url, token)
    assert unconfirmed.status_code == 400 and "Tick the box to confirm" in unconfirmed.content.decode()
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert browser.post(url, {**token, "confirm": "on"}).status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()


# Onboarding packets -----------------------------------------------------------------------------------------------


def test_agents_asking_for_the_same_packet_share_one_pdf_that_others_cannot_open(client, make_entry, carol):
    make_entry()
    erin, frank = person("erin", "Agents"), person("frank", "Agents")
    downloads = set()
    for agent in (carol, erin):
        client.force_login(agent)
        asked = client.post("/manuals/service/onboarding/", {"role": "Chat agent", "sections": ["policies"]})
        assert asked.status_code == 302
        download = client.get(asked["Location"] + "?format=json").json()["download"]
        response = client.get(download)
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
        downloads.add(download)
    pdf = StoredPDF.objects.get()
    assert pdf.kind == PDFKind.ONBOARDING and len(downloads) == 1
    client.force_login(frank)
    assert client.get(downloads.pop()).status_code == 403


# The review screen ------------------------------------------------------------------------------------------------


@pytest.fixture
def long_revision(make_entry, bob):
    """A long published entry with one paragraph changed by bob and sent for review with a note."""
    entry = make_entry(body=LONG_BODY)
    edit(entry, bob, body=LONG_BODY.replace("within 30 days", "within 14 days"))
    return services.entry_submit(entry=entry, user=bob, summary="Finance pays faster now.")


def test_review_screen_shows_the_note_the_changed_words_and_folds_the_rest(client, long_revision, alice):
    client.force_login(alice)
    page = client.get("/manuals/service/refund-policy/review/").content.decode()
    assert "Finance pays faster now." in page
    as_readers_see_it = page.split('class="prose rendered-diff"')[1].split('class="source-diff"')[0]
    assert "<del>30</del>" in as_readers_see_it and "<ins>14</ins>" in as_readers_see_it
    assert "<summary>4 unchanged paragraphs</summary>" in as_readers_see_it
    assert f'name="reviewed_lock_version" value="{shown(long_revision)}"' in page


def test_approving_from_a_stale_review_screen_shows_what_changed_and_publishes_nothing(
    client, long_revision, alice, bob
):
    reviewed = shown(long_revision)
    edit(long_revision, bob, body=LONG_BODY.replace("within 30 days", "within 21 days"))
    services.entry_submit(entry=long_revision, user=bob)
    client.force_login(alice)
    response = client.post(
        "/manuals/service/refund-policy/approve/",
        {"reviewed_lock_version": reviewed, "change_summary": "Faster refunds", "is_material": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "the draft changed after you opened it" in page
    assert "<del>14</del><ins>21</ins>" in page
    assert EntryVersion.objects.filter(entry=long_revision).count() == 1
    assert Entry.objects.get(pk=long_revision.pk).live_version.body == LONG_BODY


def test_an_agent_cannot_open_the_review_screen(client, long_revision, carol):
    client.force_login(carol)
    assert client.get("/manuals/service/refund-policy/review/").status_code == 403


@pytest.mark.parametrize("page", ["acknowledgements/", "dashboard/", "search/misses/"])
def test_the_managers_pages_open_for_managers_only(client, manual, alice, bob, carol, page):
    url = f"/manuals/{manual.slug}/{page}"
    client.force_login(alice)
    assert client.get(url).status_code == 200
    for person in (bob, carol):
        client.force_login(person)
        assert client.get(url).status_code == 403
