"""The entry lifecycle through the services, and the history it leaves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from policies import services
from policies.models import Entry, EntryStatus, EntryVersion

from .conftest import publish, shown


def test_new_entry_is_a_draft_with_history_naming_its_author(make_entry, bob):
    entry = make_entry(published=False)
    assert entry.status == EntryStatus.DRAFT
    assert entry.live_version is None
    record = entry.history.latest()
    assert record.history_user == bob
    assert record.history_change_reason == "Created as a draft"


def test_publishing_makes_version_one_with_approver_and_summary(make_entry, alice):
    entry = make_entry()
    version = entry.live_version
    assert (version.number, version.approver, version.change_summary) == (1, alice, "First publication")
    assert version.body == "Refunds within **30 days**."
    assert "<strong>30 days</strong>" in version.body_html
    assert entry.status == EntryStatus.PUBLISHED and not entry.has_unpublished_changes


def test_revising_keeps_the_live_version_until_the_next_approval(make_entry, bob, alice):
    entry = make_entry()
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within 14 days."})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT and entry.has_unpublished_changes
    assert entry.live_version.body == "Refunds within **30 days**."
    version = publish(entry, author=bob, approver=alice, summary="Shorter window")
    assert version.number == 2
    entry.refresh_from_db()
    assert entry.live_version == version


def test_a_save_that_changes_nothing_writes_no_history(make_entry, bob):
    entry = make_entry(published=False)
    before = entry.history.count()
    services.entry_save_draft(
        entry=entry, manual=entry.manual, user=bob, data={"title": entry.title, "body": entry.body}
    )
    assert entry.history.count() == before


def test_change_reason_names_what_changed(make_entry, bob):
    entry = make_entry(published=False)
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"title": "Refunds", "summary": "New"})
    assert entry.history.latest().history_change_reason == "Edited summary, title"


def test_four_eyes_stops_the_author_approving_their_own_draft(make_entry, alice):
    entry = make_entry(published=False)
    services.entry_save_draft(entry=entry, manual=entry.manual, user=alice, data={"body": "Manager's text"})
    services.entry_submit(entry=entry, user=alice)
    with pytest.raises(ValidationError, match="Four eyes"):
        services.entry_approve(
            entry=entry, reviewed_lock_version=shown(entry), user=alice, change_summary="Self-approved"
        )
    assert not EntryVersion.objects.filter(entry=entry).exists()


def test_four_eyes_can_be_switched_off_per_manual(make_entry, alice, mallory):
    entry = make_entry(published=False)
    services.manual_save(manual=entry.manual, user=alice, data={"require_second_approver": False})
    services.manual_four_eyes_off_approve(manual=entry.manual, user=mallory)  # not by the manager it binds
    services.entry_save_draft(entry=entry, manual=entry.manual, user=alice, data={"body": "Manager's text"})
    services.entry_submit(entry=entry, user=alice)
    assert (
        services.entry_approve(
            entry=entry, reviewed_lock_version=shown(entry), user=alice, change_summary="Small team"
        ).number
        == 1
    )


def test_approval_needs_a_change_summary(make_entry, alice, bob):
    entry = make_entry(published=False)
    services.entry_submit(entry=entry, user=bob)
    with pytest.raises(ValidationError):
        services.entry_approve(entry=entry, reviewed_lock_version=shown(entry), user=alice, change_summary="  ")


def test_editors_and_agents_cannot_approve(make_entry, bob, carol):
    entry = make_entry(published=False)
    services.entry_submit(entry=entry, user=bob)
    for user in (bob, carol):
        with pytest.raises(PermissionDenied):
            services.entry_approve(entry=entry, reviewed_lock_version=shown(entry), user=user, change_summary="x")


def test_agents_cannot_write(manual, section, carol):
    with pytest.raises(PermissionDenied):
        services.entry_save_draft(
            entry=None, manual=manual, user=carol, data={"title": "X", "slug": "x", "section": section}
        )


def test_retiring_keeps_versions_and_history(make_entry, alice):
    entry = make_entry()
    services.entry_retire(entry=entry, user=alice, reason="Replaced by the returns policy")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RETIRED and entry.retired_at
    assert Entry.objects.filter(pk=entry.pk).exists()
    assert entry.versions.count() == 1
    assert entry.history.latest().history_change_reason == "Retired: Replaced by the returns policy"
    assert not Entry.objects.live().filter(pk=entry.pk).exists()


def test_stale_save_raises_a_conflict_naming_the_other_change(make_entry, bob, alice):
    entry = make_entry(published=False)
    opened_at = entry.lock_version
    services.entry_save_draft(
        entry=entry, manual=entry.manual, user=alice, data={"title": "Alice's title"}, base_lock_version=opened_at
    )
    with pytest.raises(services.EditConflict) as caught:
        services.entry_save_draft(
            entry=entry, manual=entry.manual, user=bob, data={"title": "Bob's title"}, base_lock_version=opened_at
        )
    assert caught.value.their_changes["title"][1] == "Alice's title"
    entry.refresh_from_db()
    assert entry.title == "Alice's title"


def test_restore_makes_a_new_draft_from_an_old_version(make_entry, bob, alice):
    entry = make_entry()
    first = entry.live_version
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "Second text"})
    publish(entry, author=bob, approver=alice, summary="Second")
    services.entry_restore(entry=entry, version=first, user=bob)
    entry.refresh_from_db()
    assert entry.body == first.body and entry.status == EntryStatus.DRAFT
    assert entry.live_version.number == 2


def test_unknown_channel_is_a_clear_error(manual, section, bob):
    with pytest.raises(ValidationError, match="Unknown channel"):
        services.entry_save_draft(
            entry=None,
            manual=manual,
            user=bob,
            data={"title": "X", "slug": "x", "section": section, "channels": ["fax"]},
        )
    assert not Entry.objects.exists()


def test_duplicate_slug_in_a_manual_is_refused(make_entry, manual, section, bob):
    make_entry("refunds", published=False)
    with pytest.raises(ValidationError):
        services.entry_save_draft(
            entry=None, manual=manual, user=bob, data={"title": "Y", "slug": "refunds", "section": section}
        )


def test_manual_history_records_mission_changes(manual, alice):
    services.manual_save(manual=manual, user=alice, data={"mission": "New mission"})
    assert manual.history.count() == 2
    assert manual.history.latest().mission == "New mission"
    assert manual.mission_html == "<p>New mission</p>"


def test_changing_only_the_note_for_the_reviewer_keeps_the_entry_in_review_and_the_review_current(
    make_entry, bob, alice
):
    entry = make_entry(published=False)
    services.entry_submit(entry=entry, user=bob, summary="New policy")
    reviewed = shown(entry)
    services.entry_save_draft(
        entry=entry, manual=entry.manual, user=bob, data={}, base_lock_version=reviewed, note="New policy, see May."
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.IN_REVIEW and entry.submission_note == "New policy, see May."
    assert entry.history.latest().history_change_reason == "Changed the note for the reviewer"
    services.entry_approve(entry=entry, user=alice, change_summary="New", reviewed_lock_version=reviewed)
