"""Shared values: defining them, using them in entries, and changing them through review."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from acknowledgements import obligations
from acknowledgements import services as ack_services
from policies import selectors, services
from policies.importexport import ManualImportError, manual_export_markdown, manual_import
from policies.models import Entry, EntryVersion, SharedValue, ValueStatus
from policies.rendering.markdown import render_markdown
from policies.values import (
    affected_entries,
    names_in,
    release_note_lines,
    value_uses,
    value_versions,
    values_in_review,
    write_in_values,
)

from .conftest import publish, revise


@pytest.fixture
def refund_window(manual, alice):
    return services.value_create(
        manual=manual, user=alice, name="refund_window", label="Refund window", value="30 days"
    )


@pytest.fixture
def support_hours(manual, alice):
    return services.value_create(
        manual=manual, user=alice, name="support_hours", label="Support hours", value="8am to 8pm"
    )


def propose(shared, *, author, value, reason="Customers asked for longer.", material=True):
    """Draft and submit a change; the value as a reviewer opening it now would see it."""
    services.value_save_draft(shared_value=shared, user=author, value=value, reason=reason, is_material=material)
    services.value_submit(shared_value=shared, user=author)
    shared.refresh_from_db()
    return shared


def change(shared, *, author, approver, value, reason="Customers asked for longer.", material=True):
    shared = propose(shared, author=author, value=value, reason=reason, material=material)
    return services.value_approve(shared_value=shared, user=approver, reviewed_lock_version=shared.lock_version)


# Using a value in an entry ------------------------------------------------------------------------------------


def test_an_entry_shows_the_value_where_its_name_stands(make_entry, refund_window):
    entry = make_entry(body="Refunds within {{ refund_window }} of purchase, or {{refund_window}} online.")
    assert "Refunds within 30 days of purchase, or 30 days online." in entry.live_version.body_html
    assert entry.live_version.body == "Refunds within {{ refund_window }} of purchase, or {{refund_window}} online."


@pytest.mark.parametrize(
    "value, shown",
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("[call us](javascript:alert(1))", "[call us](javascript:alert(1))"),
        ("**45** days & <b>more</b>", "**45** days &amp; &lt;b&gt;more&lt;/b&gt;"),
        ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
    ],
)
def test_a_value_is_plain_text_never_html_or_markdown(make_entry, manual, alice, value, shown):
    services.value_create(manual=manual, user=alice, name="odd", label="Odd", value=value)
    html = make_entry(body="It is {{ odd }}.").live_version.body_html
    assert html == f"<p>It is {shown}.</p>"


def test_code_keeps_the_name_as_typed_and_a_backslash_keeps_the_braces(make_entry, refund_window):
    html = make_entry(
        body="Type `{{ refund_window }}`, or \\{{ refund_window }}.\n\n```\n{{ refund_window }}\n```"
    ).body_html
    assert "<code>{{ refund_window }}</code>" in html and "or {{ refund_window }}." in html
    assert "<pre><code>{{ refund_window }}\n</code></pre>" in html and "30 days" not in html


def test_an_unknown_name_is_refused_with_the_names_known(make_entry, refund_window, support_hours):
    with pytest.raises(ValidationError) as caught:
        make_entry(body="Refunds within {{ refund_windw }}.")
    message = caught.value.message_dict["body"][0]
    assert message.startswith(
        "No shared value is called {{ refund_windw }}. Known values: refund_window, support_hours."
    )
    assert not Entry.objects.exists()


def test_an_unknown_name_is_refused_when_a_draft_is_edited_too(make_entry, bob, refund_window):
    entry = make_entry(body="Refunds within {{ refund_window }}.")
    with pytest.raises(ValidationError, match=r"No shared value is called \{\{ Refund Window \}\}"):
        services.entry_save_draft(
            entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within {{ Refund Window }}."}
        )
    entry.refresh_from_db()
    assert entry.body == "Refunds within {{ refund_window }}."


def test_a_manual_without_values_says_so(make_entry):
    with pytest.raises(ValidationError, match="This manual has no shared values yet"):
        make_entry(body="Within {{ refund_window }}.")


def test_the_live_preview_fills_in_values_and_names_the_unknown(client, bob, refund_window):
    client.force_login(bob)
    json = client.post("/manuals/service/preview/", {"body": "{{ refund_window }} and {{ nope }}"}).json()
    assert json["html"] == "<p>30 days and {{ nope }}</p>" and json["unknown_values"] == ["nope"]


def test_names_in_leaves_out_code():
    text = "A {{ one }} `{{ two }}` \\{{ three }}\n\n~~~\n{{ four }}\n~~~\n\n{{five}}"
    assert names_in(text) == {"one", "five"}


# Defining values ----------------------------------------------------------------------------------------------


def test_only_managers_define_and_change_values(manual, bob, carol, refund_window):
    for user in (bob, carol):
        with pytest.raises(PermissionDenied):
            services.value_create(manual=manual, user=user, name="x", label="X", value="y")
        with pytest.raises(PermissionDenied):
            services.value_save_draft(shared_value=refund_window, user=user, value="45 days", reason="Why")


def test_a_name_is_a_plain_identifier_unique_in_its_manual(manual, alice, refund_window):
    for bad in ("Refund", "refund-window", "1st", "a" * 51, ""):
        with pytest.raises(ValidationError):
            services.value_create(manual=manual, user=alice, name=bad, label="X", value="y")
    with pytest.raises(ValidationError, match="already has a value called refund_window"):
        services.value_create(manual=manual, user=alice, name="refund_window", label="Again", value="1 day")


# Changing a value ---------------------------------------------------------------------------------------------


@pytest.fixture
def three_entries(make_entry, refund_window, support_hours):
    """Two live entries use the refund window, one does not; a draft never published uses it too."""
    return {
        "refunds": make_entry("refund-policy", body="Refunds within {{ refund_window }}.\n\nKeep the receipt."),
        "returns": make_entry(
            "returns", body="Returns are accepted for {{ refund_window }}; call {{ support_hours }}."
        ),
        "tone": make_entry("tone", body="Be warm, {{ support_hours }}."),
        "draft": make_entry("exchanges", published=False, body="Exchanges within {{ refund_window }}."),
    }


def test_the_preview_lists_exactly_the_entries_a_change_touches(three_entries, refund_window):
    affected = affected_entries(refund_window, new_value="45 days")
    assert [(a.entry.slug, a.publishes) for a in affected] == [
        ("exchanges", False), ("refund-policy", True), ("returns", True)
    ]  # fmt: skip
    refunds = affected[1]
    assert [str(p) for p in refunds.paragraphs] == [
        "<p>Refunds within <span><del>30 days</del> <ins>45 days</ins></span>.</p>"
    ]
    assert refunds.unchanged == 1


def test_approval_publishes_one_new_version_per_entry_under_one_summary(three_entries, refund_window, alice, mallory):
    change_ = change(refund_window, author=alice, approver=mallory, value="45 days")
    refunds, returns, tone, draft = (Entry.objects.get(pk=e.pk) for e in three_entries.values())
    assert (refunds.live_version.number, returns.live_version.number, tone.live_version.number) == (2, 2, 1)
    assert "Refunds within 45 days." in refunds.live_version.body_html
    assert "accepted for 45 days; call 8am to 8pm." in returns.live_version.body_html
    summary = "Refund window: 30 days → 45 days. Customers asked for longer."
    assert {v.change_summary for v in (refunds.live_version, returns.live_version)} == {summary}
    assert change_.change_summary == summary and change_.previous_value == "30 days"
    assert set(change_.entry_versions.all()) == {refunds.live_version, returns.live_version}
    assert refunds.live_version.approver == mallory and refunds.live_version.author == alice
    assert refunds.history.first().history_change_reason == f"Published version 2: {summary}"
    # The draft that was never published takes the new value in its preview, and stays a draft.
    assert "45 days" in draft.body_html and draft.live_version is None and draft.status == "draft"
    refund_window.refresh_from_db()
    assert (refund_window.value, refund_window.status, refund_window.draft_value) == ("45 days", "published", "")


def test_an_entry_with_a_draft_of_its_own_keeps_it(make_entry, refund_window, bob, alice, mallory):
    entry = make_entry(body="Refunds within {{ refund_window }}.")
    services.entry_save_draft(
        entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within {{ refund_window }}, with receipt."}
    )
    services.entry_submit(entry=entry, user=bob)
    entry.refresh_from_db()
    reviewed = entry.lock_version
    change(refund_window, author=alice, approver=mallory, value="45 days")
    entry.refresh_from_db()
    # Readers get the live text with the new value; the draft stays in review, its preview with the new value.
    assert entry.live_version.number == 2 and entry.live_version.body == "Refunds within {{ refund_window }}."
    assert "Refunds within 45 days." in entry.live_version.body_html
    assert entry.status == "in_review" and entry.has_unpublished_changes and entry.last_author == bob
    assert entry.lock_version == reviewed and "45 days, with receipt" in entry.body_html
    # Approving the draft later publishes it with the new value, without a stale-review refusal.
    version = services.entry_approve(entry=entry, user=alice, change_summary="Receipt", reviewed_lock_version=reviewed)
    assert version.number == 3 and "Refunds within 45 days, with receipt." in version.body_html


def test_a_draft_that_dropped_the_value_keeps_its_text_and_the_live_one_still_changes(
    make_entry, refund_window, bob, alice, mallory
):
    entry = make_entry(body="Refunds within {{ refund_window }}.")
    services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"body": "Refunds within 60 days."})
    change(refund_window, author=alice, approver=mallory, value="45 days")
    entry.refresh_from_db()
    assert "45 days" in entry.live_version.body_html and entry.body_html == "<p>Refunds within 60 days.</p>"


def test_a_retired_entry_is_left_alone(make_entry, refund_window, alice, mallory):
    entry = make_entry(body="Refunds within {{ refund_window }}.")
    services.entry_retire(entry=entry, user=alice, reason="Merged")
    change_ = change(refund_window, author=alice, approver=mallory, value="45 days")
    assert change_.entry_versions.count() == 0 and entry.versions.count() == 1


def test_a_minor_change_asks_nobody_again(make_entry, refund_window, carol, alice, mallory):
    entry = make_entry(body="Refunds within {{ refund_window }}.")
    ack_services.entry_acknowledge(entry=entry, user=carol)
    change(refund_window, author=alice, approver=mallory, value="30 calendar days", material=False)
    assert obligations.pending_for(carol) == []
    entry.refresh_from_db()
    assert entry.live_version.number == 2 and entry.ack_version.number == 1 and not entry.live_version.is_material


def test_a_material_change_asks_the_audience_again(make_entry, refund_window, carol, alice, mallory):
    entry = make_entry(body="Refunds within {{ refund_window }}.")
    ack_services.entry_acknowledge(entry=entry, user=carol)
    change(refund_window, author=alice, approver=mallory, value="45 days", material=True)
    [state] = obligations.pending_for(carol)
    assert state.asked_again and state.acknowledged.number == 1 and state.required.number == 2


def test_the_reviewer_may_correct_the_material_choice(make_entry, refund_window, carol, alice, mallory):
    make_entry(body="Refunds within {{ refund_window }}.")
    shared = propose(refund_window, author=alice, value="30 calendar days", material=True)
    services.value_approve(
        shared_value=shared, user=mallory, reviewed_lock_version=shared.lock_version, is_material=False
    )
    assert not EntryVersion.objects.get(number=2).is_material


def test_four_eyes_the_author_of_a_change_cannot_approve_it(make_entry, refund_window, alice):
    make_entry(body="Refunds within {{ refund_window }}.")
    shared = propose(refund_window, author=alice, value="45 days")
    with pytest.raises(services.TransitionError) as caught:
        services.value_approve(shared_value=shared, user=alice, reviewed_lock_version=shared.lock_version)
    assert caught.value.code == "four_eyes"
    assert EntryVersion.objects.count() == 1 and SharedValue.objects.get().value == "30 days"


def test_without_four_eyes_the_author_may_approve(manual, make_entry, refund_window, alice):
    manual.require_second_approver = False
    manual.save()
    make_entry(body="Refunds within {{ refund_window }}.")
    shared = propose(refund_window, author=alice, value="45 days")
    services.value_approve(shared_value=shared, user=alice, reviewed_lock_version=shared.lock_version)
    assert SharedValue.objects.get().value == "45 days"


def test_editors_cannot_approve_a_value_change(make_entry, refund_window, alice, bob):
    shared = propose(refund_window, author=alice, value="45 days")
    with pytest.raises(PermissionDenied):
        services.value_approve(shared_value=shared, user=bob, reviewed_lock_version=shared.lock_version)


def test_an_approval_names_the_proposal_it_reviewed(refund_window, alice, mallory):
    shared = propose(refund_window, author=alice, value="45 days")
    seen = shared.lock_version
    services.value_save_draft(shared_value=shared, user=alice, value="60 days", reason="Even longer")
    services.value_submit(shared_value=shared, user=alice)
    with pytest.raises(services.TransitionError) as caught:
        services.value_approve(shared_value=shared, user=mallory, reviewed_lock_version=seen)
    assert caught.value.code == "stale_review"
    with pytest.raises(services.TransitionError) as caught:
        services.value_approve(shared_value=shared, user=mallory)
    assert caught.value.code == "not_reviewed"


def test_a_change_needs_a_reason_and_a_new_text(refund_window, alice):
    with pytest.raises(ValidationError, match="already see"):
        services.value_save_draft(shared_value=refund_window, user=alice, value=" 30  days ", reason="x")
    services.value_save_draft(shared_value=refund_window, user=alice, value="45 days", reason="")
    with pytest.raises(ValidationError, match="Say what changed and why"):
        services.value_submit(shared_value=refund_window, user=alice)


def test_a_change_sent_back_returns_to_draft_and_can_be_withdrawn(refund_window, alice, mallory):
    shared = propose(refund_window, author=alice, value="45 days")
    services.value_request_changes(shared_value=shared, user=mallory, comment="Legal must agree first.")
    shared.refresh_from_db()
    assert shared.status == ValueStatus.DRAFT and shared.review_comment == "Legal must agree first."
    services.value_withdraw(shared_value=shared, user=alice)
    shared.refresh_from_db()
    assert (shared.status, shared.value, shared.draft_value) == ("published", "30 days", "")
    assert [h.history_change_reason for h in shared.history.all()[:2]] == [
        "Proposed change withdrawn", "Changes requested: Legal must agree first."
    ]  # fmt: skip


def test_readers_see_the_old_value_until_the_change_is_approved(client, carol, make_entry, refund_window, alice):
    entry = make_entry(body="Refunds within {{ refund_window }}.")
    propose(refund_window, author=alice, value="45 days")
    client.force_login(carol)
    page = client.get(f"/manuals/service/{entry.slug}/").content.decode()
    assert "Refunds within 30 days." in page and "45 days" not in page


def test_a_version_waiting_for_its_effective_date_takes_the_new_value_too(
    make_entry, refund_window, bob, alice, mallory
):
    from datetime import UTC, date, datetime

    from policies.services.publishing import versions_take_effect

    with time_machine.travel(datetime(2026, 2, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        entry = make_entry(body="Refunds within {{ refund_window }}.")
        services.entry_save_draft(
            entry=entry,
            manual=entry.manual,
            user=bob,
            data={"body": "Refunds within {{ refund_window }}, by post too.", "effective_date": date(2026, 3, 1)},
        )
        publish(entry, author=bob, approver=alice, summary="Postal returns from March")
        entry.refresh_from_db()
        waiting = entry.scheduled_version
        clock.move_to(datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
        change(refund_window, author=alice, approver=mallory, value="45 days")
        entry.refresh_from_db()
        # Readers get the new value now, and the version waiting for March carries it as well, on the same day.
        assert (entry.live_version.number, entry.scheduled_version.number) == (3, 4)
        assert "Refunds within 45 days." in entry.live_version.body_html
        assert "Refunds within 45 days, by post too." in entry.scheduled_version.body_html
        assert entry.scheduled_version.takes_effect_at == waiting.takes_effect_at
        waiting.refresh_from_db()
        assert waiting.takes_effect_at is None
        clock.move_to(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
        versions_take_effect()
    entry.refresh_from_db()
    assert entry.live_version.number == 4 and "45 days, by post too" in entry.live_version.body_html


# The past keeps its values ------------------------------------------------------------------------------------


@pytest.fixture
def changed_three_days_ago(alice, mallory, bob, carol):
    """The refund policy, using the refund window since ten days ago (30 days, acknowledged by Carol), which
    changed to 45 days three days ago. The clock really is moved, so the history agrees."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=False):
        manual = services.manual_save(manual=None, user=alice, data={"title": "Service", "slug": "service"})
        section = services.section_save(section=None, manual=manual, user=alice, data={"title": "P", "slug": "p"})
        shared = services.value_create(
            manual=manual, user=alice, name="refund_window", label="Refund window", value="30 days"
        )
        entry = services.entry_save_draft(
            entry=None, manual=manual, user=bob,
            data={"title": "Refund policy", "slug": "refund-policy", "section": section,
                  "body": "Refunds within {{ refund_window }}."},
        )  # fmt: skip
        publish(entry, author=bob, approver=alice)
        ack_services.entry_acknowledge(entry=entry, user=carol)
    with time_machine.travel(now - timedelta(days=3), tick=False):
        change(shared, author=alice, approver=mallory, value="45 days")
    entry.refresh_from_db()
    return entry


def test_a_past_view_shows_the_value_as_it_was(client, carol, changed_three_days_ago):
    client.force_login(carol)
    before = (timezone.localdate() - timedelta(days=5)).isoformat()
    past = client.get(f"/manuals/service/refund-policy/?as_of={before}").content.decode()
    assert "Refunds within 30 days." in past and "45 days" not in past
    now = client.get("/manuals/service/refund-policy/").content.decode()
    assert "Refunds within 45 days." in now


def test_an_edition_released_before_a_change_keeps_the_old_value(make_entry, refund_window, alice, mallory):
    make_entry(body="Refunds within {{ refund_window }}.")
    edition = services.edition_release(manual=refund_window.manual, user=alice, label="2026.1", release_notes="")
    change(refund_window, author=alice, approver=mallory, value="45 days")
    [version] = selectors.edition_snapshot(edition).entries
    assert "Refunds within 30 days." in EntryVersion.objects.get(pk=version.pk).body_html


def test_comparing_versions_shows_the_value_that_changed(changed_three_days_ago):
    entry = changed_three_days_ago
    first, second = entry.versions.order_by("number")
    bodies = selectors.version_bodies([first, second])
    assert (bodies[first.pk], bodies[second.pk]) == ("Refunds within 30 days.", "Refunds within 45 days.")


def test_the_reader_asked_again_sees_the_value_change_marked(client, carol, changed_three_days_ago):
    client.force_login(carol)
    page = client.get("/manuals/service/refund-policy/").content.decode()
    assert "This changed since you acknowledged version 1" in page and "<del>30</del><ins>45</ins>" in page


def test_values_written_in_are_read_as_plain_text():
    text = write_in_values("It is {{ odd }} and `{{ odd }}`.", {"odd": "*x* <b>[y](z)</b> & _"})
    assert render_markdown(text) == "<p>It is *x* &lt;b&gt;[y](z)&lt;/b&gt; &amp; _ and <code>{{ odd }}</code>.</p>"


# Where values are used ----------------------------------------------------------------------------------------


def test_uses_count_live_texts_and_drafts_but_not_retired_entries(three_entries, alice):
    services.entry_retire(entry=three_entries["tone"], user=alice, reason="Merged")
    uses = value_uses(three_entries["refunds"].manual)
    assert [(u.slug, u.live, u.draft) for u in uses["refund_window"]] == [
        ("exchanges", False, True), ("refund-policy", True, True), ("returns", True, True)
    ]  # fmt: skip
    assert [u.slug for u in uses["support_hours"]] == ["returns"]


# Release notes ------------------------------------------------------------------------------------------------


def test_release_notes_tell_a_value_change_once(make_entry, refund_window, alice, mallory, bob):
    refunds = make_entry("refund-policy", body="Refunds within {{ refund_window }}.")
    make_entry("returns", body="Returns for {{ refund_window }}.")
    services.edition_release(manual=refund_window.manual, user=alice, label="2026.1", release_notes="")
    change(refund_window, author=alice, approver=mallory, value="45 days", reason="Customers asked for longer")
    revise(
        refunds,
        author=bob,
        approver=alice,
        summary="Receipts by email count",
        body="Refunds within {{ refund_window }}, receipts by email too.",
    )
    notes = services.edition_draft_notes(refund_window.manual)
    assert (
        "## Shared values\n\n- **Refund window**: 30 days → 45 days (2 entries). Customers asked for longer.\n" in notes
    )
    assert "- **Refund policy**: version 1 to 3. Refund window now 45 days. Receipts by email count.\n" in notes
    assert "- **Returns**: version 1 to 2. Refund window now 45 days.\n" in notes
    assert notes.count("Customers asked for longer") == 1


# The pages ----------------------------------------------------------------------------------------------------

PAGES = [
    ("get", "/manuals/service/values/"),
    ("get", "/manuals/service/values/new/"),
    ("post", "/manuals/service/values/new/"),
    ("get", "/manuals/service/values/refund_window/"),
    ("get", "/manuals/service/values/refund_window/change/"),
    ("post", "/manuals/service/values/refund_window/change/"),
    ("post", "/manuals/service/values/refund_window/approve/"),
    ("post", "/manuals/service/values/refund_window/request-changes/"),
    ("post", "/manuals/service/values/refund_window/withdraw/"),
]


@pytest.mark.parametrize("method, url", PAGES)
def test_agents_are_refused_every_values_page(client, carol, refund_window, method, url):
    client.force_login(carol)
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("method, url", [p for p in PAGES if p[1].endswith(("/values/", "/refund_window/"))])
def test_values_pages_need_a_login(client, refund_window, method, url):
    assert getattr(client, method)(url).status_code == 302


def test_editors_see_the_values_but_only_managers_change_them(client, bob, refund_window, make_entry):
    make_entry(body="Within {{ refund_window }}.")
    client.force_login(bob)
    page = client.get("/manuals/service/values/").content.decode()
    assert "Refund window" in page and "{{ refund_window }}" in page and "Used in 1 entry" in page
    assert "New value" not in page
    assert client.get("/manuals/service/values/refund_window/").status_code == 200
    for method, url in PAGES:
        if url.endswith(("/new/", "/change/", "/withdraw/", "/approve/", "/request-changes/")):
            assert getattr(client, method)(url).status_code == 403, url


def test_the_values_list_costs_the_same_queries_at_any_size(
    client, alice, manual, refund_window, make_entry, django_assert_num_queries
):
    client.force_login(alice)
    make_entry("one", body="{{ refund_window }}")
    client.get("/manuals/service/values/")
    with django_assert_num_queries(8):
        client.get("/manuals/service/values/")
    for n in range(5):
        services.value_create(manual=manual, user=alice, name=f"v{n}", label=f"V{n}", value=str(n))
        make_entry(f"more-{n}", body=f"{{{{ v{n} }}}} and {{{{ refund_window }}}}")
    client.get("/manuals/service/values/")  # the header's health score is worked out again once the manual changed
    with django_assert_num_queries(8):
        page = client.get("/manuals/service/values/").content.decode()
    assert "Used in 6 entries" in page


def test_a_manager_defines_a_value_in_the_browser(client, alice, manual):
    client.force_login(alice)
    response = client.post(
        "/manuals/service/values/new/", {"label": "Support hours", "name": "support_hours", "value": " 8am  to 8pm "}
    )
    assert response.status_code == 302 and response["Location"] == "/manuals/service/values/support_hours/"
    assert SharedValue.objects.get().value == "8am to 8pm"
    response = client.post("/manuals/service/values/new/", {"label": "X", "name": "Support Hours", "value": "x"})
    assert response.status_code == 400 and "Lower-case letters" in response.content.decode()


def test_the_change_preview_lists_the_entries_it_affects_then_submits(client, alice, three_entries, refund_window):
    client.force_login(alice)
    url = "/manuals/service/values/refund_window/change/"
    form = {"lock_version": refund_window.lock_version, "value": "45 days", "is_material": "yes", "reason": ""}
    page = client.post(url, {**form, "action": "preview"}).content.decode()
    assert "3 entries use this value" in page and "2 get a new version when the change is approved" in page
    assert page.count('class="card affected-entry"') == 3
    for title in ("Refund policy", "Returns", "Exchanges"):
        assert f">{title}</a></h3>" in page
    assert "Tone" not in page
    assert "<del>30 days</del> <ins>45 days</ins>" in page
    assert "Submit for review" in page

    response = client.post(url, {**form, "action": "submit"})
    assert response.status_code == 400 and "Say what changed and why" in response.content.decode()
    response = client.post(url, {**form, "reason": "Longer.", "action": "submit"})
    assert response.status_code == 302
    refund_window.refresh_from_db()
    assert (refund_window.status, refund_window.draft_value, refund_window.draft_reason) == (
        "in_review", "45 days", "Longer."
    )  # fmt: skip


def test_the_same_value_is_not_a_change(client, alice, refund_window):
    client.force_login(alice)
    response = client.post(
        "/manuals/service/values/refund_window/change/",
        {"lock_version": 1, "value": "30 days", "is_material": "yes", "action": "preview"},
    )
    assert response.status_code == 400 and "the value readers already see" in response.content.decode()


def test_a_reviewer_approves_in_the_browser_and_the_author_cannot(client, alice, mallory, three_entries, refund_window):
    shared = propose(refund_window, author=alice, value="45 days")
    client.force_login(alice)
    page = client.get("/manuals/service/values/refund_window/").content.decode()
    assert "another manager must approve it (four eyes)" in page and "Approve and publish" not in page
    response = client.post(
        "/manuals/service/values/refund_window/approve/",
        {"reviewed_lock_version": shared.lock_version, "is_material": "yes"},
    )
    assert response.status_code == 302 and SharedValue.objects.get(name="refund_window").value == "30 days"

    client.force_login(mallory)
    page = client.get("/manuals/service/values/refund_window/").content.decode()
    assert "Approve and publish 2 entries" in page and "Customers asked for longer." in page
    response = client.post(
        "/manuals/service/values/refund_window/approve/",
        {"reviewed_lock_version": shared.lock_version, "is_material": "no"},
    )
    assert response.status_code == 302
    assert SharedValue.objects.get(name="refund_window").value == "45 days"
    assert not Entry.objects.get(slug="refund-policy").live_version.is_material
    page = client.get(response["Location"]).content.decode()
    assert "2 entries have a new version" in page


# Files --------------------------------------------------------------------------------------------------------

FOLDER_YML = """title: Service
slug: service
sections:
- slug: policies
  title: Policies
values:
- name: refund_window
  label: Refund window
  value: {value}
"""
FOLDER_ENTRY = """---
title: Refund policy
slug: refund-policy
section: policies
---

Refunds within {{ refund_window }}.
"""


def _folder(path, value="30 days", entry=FOLDER_ENTRY):
    path.mkdir(parents=True, exist_ok=True)
    (path / "manual.yml").write_text(FOLDER_YML.format(value=value))
    (path / "refund-policy.md").write_text(entry)
    return path


def test_a_folder_brings_its_values_before_the_entries_that_use_them(tmp_path, alice):
    report = manual_import(path=_folder(tmp_path / "in"), publish=True, user=alice)
    assert report.values_created == ["refund_window"] and "Shared values created: refund_window." in report.lines()
    entry = Entry.objects.get()
    assert "Refunds within 30 days." in entry.live_version.body_html

    manual_export_markdown(manual=entry.manual, path=tmp_path / "out")
    yml = (tmp_path / "out" / "manual.yml").read_text()
    assert yml.endswith("values:\n- name: refund_window\n  label: Refund window\n  value: 30 days\n")
    assert "{{ refund_window }}" in (tmp_path / "out" / "refund-policy.md").read_text()


def test_a_changed_value_in_a_folder_is_a_draft_or_with_publish_is_published(tmp_path, alice):
    manual_import(path=_folder(tmp_path / "first"), publish=True, user=alice)
    report = manual_import(path=_folder(tmp_path / "second", value="45 days"), publish=False, user=alice)
    shared = SharedValue.objects.get()
    assert report.values_changed == ["refund_window"]
    assert (shared.value, shared.draft_value, shared.status) == ("30 days", "45 days", "draft")
    report = manual_import(path=_folder(tmp_path / "second", value="45 days"), publish=True, user=alice)
    shared.refresh_from_db()
    assert (shared.value, shared.status) == ("45 days", "published")
    live = Entry.objects.get().live_version
    assert live.number == 2 and "Refunds within 45 days." in live.body_html
    assert live.change_summary.startswith("Refund window: 30 days → 45 days. Imported from")


def test_a_folder_naming_an_unknown_value_is_refused_with_its_file(tmp_path, alice):
    folder = _folder(tmp_path / "in", entry=FOLDER_ENTRY.replace("refund_window", "refund_windw"))
    with pytest.raises(ManualImportError) as caught:
        manual_import(path=folder, publish=True, user=alice)
    assert "refund-policy.md: body: No shared value is called {{ refund_windw }}" in str(caught.value)
    assert not SharedValue.objects.exists()


def test_a_bad_value_name_in_manual_yml_is_reported_with_its_line(tmp_path, alice):
    folder = _folder(tmp_path / "in")
    (folder / "manual.yml").write_text(
        FOLDER_YML.format(value="30 days").replace("name: refund_window", "name: Refund")
    )
    with pytest.raises(ManualImportError, match=r"manual.yml, line 7: the value name 'Refund' must be lower-case"):
        manual_import(path=folder, publish=True, user=alice)


def test_a_change_in_review_waits_in_the_review_queue(client, alice, mallory, refund_window):
    propose(refund_window, author=alice, value="45 days", reason="Customers asked for longer.")
    client.force_login(mallory)
    page = client.get("/manuals/service/review/").content.decode()
    assert "Refund window: <del>30 days</del> → <ins>45 days</ins>" in page
    assert "Customers asked for longer." in page and "Nothing is waiting for review" not in page


# What a change does, in detail ----------------------------------------------------------------------------------


def test_unknown_names_are_all_named_with_the_way_to_keep_braces(make_entry, refund_window):
    with pytest.raises(ValidationError) as caught:
        make_entry(body="Within {{ refund_windw }} or {{ refund_windows }}.")
    assert caught.value.message_dict["body"] == [
        "No shared values are called {{ refund_windw }} or {{ refund_windows }}. Known values: refund_window. "
        "To show double braces as they are, put them in `code`."
    ]


def test_a_manual_without_values_says_so_in_full(make_entry):
    with pytest.raises(ValidationError) as caught:
        make_entry(body="Within {{ refund_window }}.")
    assert caught.value.message_dict["body"] == [
        "No shared value is called {{ refund_window }}. This manual has no shared values yet. "
        "To show double braces as they are, put them in `code`."
    ]


def test_values_written_in_leave_code_fences_and_unknown_names_as_typed():
    text = "`{{ odd }}` then {{ odd }} `a` {{ gone }}\n\n```\n{{ odd }} `b`\n```\n\nLast `c` {{ odd }}."
    assert write_in_values(text, {"odd": "x"}) == (
        "`{{ odd }}` then x `a` {{ gone }}\n\n```\n{{ odd }} `b`\n```\n\nLast `c` x."
    )


def test_a_value_that_looks_like_an_entity_is_compared_as_typed():
    assert (
        render_markdown(write_in_values("It is {{ odd }}.", {"odd": "&copy; 2026"})) == "<p>It is &amp;copy; 2026.</p>"
    )


@pytest.fixture
def reinstated(make_entry, alice, refund_window):
    """A retired entry brought back as a draft: readers do not see it until the draft is approved."""
    entry = make_entry("old-refunds", body="Old refunds within {{ refund_window }}.")
    services.entry_retire(entry=entry, user=alice, reason="Merged")
    services.entry_reinstate(entry=entry, user=alice)
    entry.refresh_from_db()
    return entry


def test_a_change_republishes_only_what_readers_see_in_this_manual(
    make_entry, manual, alice, bob, mallory, refund_window, reinstated
):
    retired = make_entry("gone", body="Gone within {{ refund_window }}.")  # locked before the others
    services.entry_retire(entry=retired, user=alice, reason="Merged")
    returns = make_entry("returns", body="Returns are welcome.")
    code_only = make_entry("typing", body="Type this:\n\n    {{ refund_window }}\n\nIt is filled in.")
    refunds = make_entry(
        "refund-policy", body="Refunds within {{ refund_window }}; see [returns](returns.md) or [code](typing.md)."
    )  # written before the returns desk took its new address, which the old one still finds
    services.entry_save_draft(entry=returns, manual=manual, user=bob, data={"slug": "returns-desk"})
    services.entry_save_draft(
        entry=refunds, manual=manual, user=bob,
        data={"body": "Refunds within {{ refund_window }}, see [returns](returns.md). Receipt needed."},
    )  # fmt: skip
    other = services.manual_save(manual=None, user=alice, data={"title": "Other", "slug": "other"})
    other_section = services.section_save(
        section=None, manual=other, user=alice, data={"title": "P", "slug": "p", "order": 1}
    )
    services.value_create(manual=other, user=alice, name="refund_window", label="Refund window", value="14 days")
    elsewhere = services.entry_save_draft(
        entry=None, manual=other, user=bob,
        data={"title": "Elsewhere", "slug": "elsewhere", "kind": "policy", "section": other_section,
              "body": "Refunds within {{ refund_window }}."},
    )  # fmt: skip
    publish(elsewhere, author=bob, approver=alice)

    change_ = change(refund_window, author=alice, approver=mallory, value="45 days")

    refunds.refresh_from_db()
    assert [v.entry.slug for v in change_.entry_versions.all()] == ["refund-policy"]
    link = f'href="#pm-entry-{returns.pk}"'
    assert (
        link in refunds.live_version.body_html and f'href="#pm-entry-{code_only.pk}"' in refunds.live_version.body_html
    )
    assert "Refunds within 45 days; see" in refunds.live_version.body_html
    assert link in refunds.body_html and "45 days, see" in refunds.body_html  # the draft's preview
    history = refunds.live_version.history.first()
    assert (history.history_user, history.history_change_reason) == (mallory, change_.change_summary)
    # A value inside code reads the same after the change, so nothing is published again.
    assert code_only.versions.count() == 1
    reinstated.refresh_from_db()
    assert reinstated.versions.count() == 1 and reinstated.live_version.number == 1
    assert "Old refunds within 30 days." in reinstated.live_version.body_html
    assert retired.versions.count() == 1
    elsewhere.refresh_from_db()
    assert elsewhere.live_version.number == 1 and "Refunds within 14 days." in elsewhere.live_version.body_html


def test_uses_of_a_reinstated_entry_and_of_live_text_only(make_entry, manual, bob, refund_window, reinstated):
    dropped = make_entry("dropped", body="Refunds within {{ refund_window }}.")
    services.entry_save_draft(entry=dropped, manual=manual, user=bob, data={"body": "Refunds within 60 days."})
    uses = value_uses(manual)
    assert [(u.slug, u.live, u.draft) for u in uses["refund_window"]] == [
        ("dropped", True, False), ("old-refunds", False, True)
    ]  # fmt: skip


@pytest.fixture
def waiting_entries(make_entry, manual, refund_window, support_hours, bob, alice, reinstated):
    """Built on 2 February 2026, with versions waiting for 1 March; the clock stays there."""
    from datetime import UTC, date, datetime

    with time_machine.travel(datetime(2026, 2, 2, 9, 0, tzinfo=UTC), tick=False):
        answering = make_entry("answering", body="Call us {{ support_hours }}.")
        dropped = make_entry("dropped", body="XL items: refunds within {{ refund_window }}.\n\nKeep it.")
        services.entry_save_draft(entry=dropped, manual=manual, user=bob, data={"body": "Refunds within 60 days."})
        later = make_entry("later", body="Refunds within 30 days.")
        revise(later, author=bob, approver=alice, body="Refunds within {{ refund_window }}.",
               effective_date=date(2026, 3, 1))  # fmt: skip
        services.entry_save_draft(entry=later, manual=manual, user=bob, data={"body": "Refunds within 60 days."})
        planned = make_entry("planned", body="Refunds within 30 days.")
        revise(planned, author=bob, approver=alice, body="Refunds within 31 days.", effective_date=date(2026, 3, 1))
        services.entry_save_draft(
            entry=planned, manual=manual, user=bob, data={"body": "Refunds within {{ refund_window }}."}
        )
        returns = make_entry(
            "returns", body="XL returns for {{ refund_window }}; call {{ support_hours }} or [ask](answering)."
        )
        retired = make_entry("retired", body="Refunds.")
        services.entry_save_draft(
            entry=retired, manual=manual, user=bob, data={"body": "Refunds within {{ refund_window }}."}
        )
        services.entry_retire(entry=retired, user=alice, reason="Merged")
        draft = make_entry("exchanges", published=False, body="Exchanges within {{ refund_window }}.")
        yield {"answering": answering, "dropped": dropped, "later": later, "planned": planned, "returns": returns,
               "draft": draft}  # fmt: skip


def test_the_preview_shows_what_readers_will_see_of_every_entry_touched(waiting_entries, refund_window):
    affected = {a.entry.slug: a for a in affected_entries(refund_window, new_value="45 days")}
    assert [(slug, a.publishes, a.draft_uses, a.has_draft) for slug, a in affected.items()] == [
        ("dropped", True, False, True),
        ("exchanges", False, True, False),
        ("later", True, False, True),
        ("old-refunds", False, True, True),
        ("planned", False, True, True),
        ("returns", True, True, False),
    ]
    change_ = "<span><del>30 days</del> <ins>45 days</ins></span>"
    assert [str(p) for p in affected["dropped"].paragraphs] == [f"<p>XL items: refunds within {change_}.</p>"]
    assert affected["dropped"].unchanged == 1
    assert [str(p) for p in affected["later"].paragraphs] == [f"<p>Refunds within {change_}.</p>"]
    assert [str(p) for p in affected["returns"].paragraphs] == [
        f"<p>XL returns for {change_}; call 8am to 8pm or "
        '<a class="xref" href="/manuals/service/answering/">ask</a>.</p>'
    ]
    plain = affected_entries(refund_window, new_value="45 days", marked=False)
    assert str(plain[-1].paragraphs[0]).startswith("<p>XL returns for 45 days; call")


@pytest.fixture
def waiting_for_march(make_entry, manual, refund_window, bob, alice):
    """On 10 February 2026 (the clock stays there): the refund policy, live, and a material version of it approved
    on 2 February to take effect on 1 March, which its audience is asked about already; the returns entry the
    same with a minor version, so its readers are still asked about version 1."""
    from datetime import UTC, date, datetime

    with time_machine.travel(datetime(2026, 2, 2, 9, 0, tzinfo=UTC), tick=False) as clock:
        entries = []
        for slug, material in (("refund-policy", True), ("returns", False)):
            entry = make_entry(slug, body="Refunds within {{ refund_window }}.")
            body = f"Within {{{{ refund_window }}}}, by post ([the form]({slug}.md))."
            revise(entry, author=bob, approver=alice, material=material, body=body, effective_date=date(2026, 3, 1))
            entries.append(entry)
        clock.move_to(datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
        yield entries


def test_a_minor_change_to_a_waiting_version_carries_its_acknowledgement_and_history(
    waiting_for_march, refund_window, alice, mallory, carol, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    refunds, returns = waiting_for_march
    assert (refunds.ack_version.number, returns.ack_version.number) == (2, 1)
    asked_before = Notification.objects.filter(user=carol).count()
    with django_capture_on_commit_callbacks(execute=True):
        change_ = change(refund_window, author=alice, approver=mallory, value="45 days", material=False)
    summary = change_.change_summary
    for entry in (refunds, returns):
        entry.refresh_from_db()
        assert (entry.live_version.number, entry.scheduled_version.number) == (3, 4)
        replacement = entry.scheduled_version
        assert replacement.approver == mallory and "Within 45 days, by post (" in replacement.body_html
        assert f'href="#pm-entry-{entry.pk}">the form</a>' in replacement.body_html
        record = replacement.history.first()
        assert (record.history_user, record.history_change_reason) == (mallory, summary)
        replaced = entry.versions.get(number=2).history.first()
        assert (replaced.history_user, replaced.history_change_reason) == (mallory, "Replaced by version 4")
        record = entry.history.first()
        assert record.history_user == mallory
        assert record.history_change_reason == f"Approved version 4, taking effect on 2026-03-01: {summary}"
    # Those asked about the material version waiting for March are asked about the one replacing it; the minor one
    # asked nobody, and still does not.
    assert (refunds.ack_version.number, returns.ack_version.number) == (4, 1)
    assert Notification.objects.filter(user=carol).count() == asked_before  # nobody is asked anything anew
    assert sorted((v.entry.slug, v.number) for v in change_.entry_versions.all()) == [
        ("refund-policy", 3), ("refund-policy", 4), ("returns", 3), ("returns", 4)
    ]  # fmt: skip
    # Each entry counts once on the value's page, however many of its versions the change published.
    [latest, _first] = value_versions(refund_window)
    assert latest.entry_count == 2
    # Alice, whose change it is, hears of the four publications together, in one batch sent once all are made.
    approved = Notification.objects.filter(user=alice, title__startswith="Approved and published")
    assert approved.count() == 4 and {n.batch for n in approved} == {f"value:{change_.pk}"}


def test_release_notes_count_each_entry_once_and_only_changes_since_the_last_edition(
    waiting_for_march, refund_window, support_hours, make_entry, alice, mallory
):
    manual = refund_window.manual
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        change(refund_window, author=alice, approver=mallory, value="35 days", reason="Before the edition.")
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        services.edition_release(manual=manual, user=alice, label="2026.1", release_notes="")
    make_entry("hours", body="Open {{ support_hours }}.")
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        change(refund_window, author=alice, approver=mallory, value="45 days", reason="Why not?")
        change(support_hours, author=alice, approver=mallory, value="9am to 5pm", reason="Agreed with team X")
    lines, short = release_note_lines(manual, selectors.latest_edition(manual).released_at)
    assert lines == [
        "- **Refund window**: 35 days → 45 days (2 entries). Why not?",
        "- **Support hours**: 8am to 8pm → 9am to 5pm (1 entry). Agreed with team X.",
    ]
    assert short == {
        "Refund window: 35 days → 45 days. Why not?": "Refund window now 45 days",
        "Support hours: 8am to 8pm → 9am to 5pm. Agreed with team X.": "Support hours now 9am to 5pm",
    }


def test_a_change_published_without_a_reason_says_only_what_changed(make_entry, refund_window, alice):
    make_entry(body="Refunds within {{ refund_window }}.")
    services.value_save_draft(shared_value=refund_window, user=alice, value="45 days", reason="")
    earlier = timezone.now() - timedelta(hours=2)
    change_ = services.value_approve(shared_value=refund_window, user=alice, enforce_review=False, approved_at=earlier)
    assert change_.change_summary == "Refund window: 30 days → 45 days."
    version = Entry.objects.get().live_version
    assert (version.change_summary, version.approved_at) == ("Refund window: 30 days → 45 days.", earlier)
    lines, _short = release_note_lines(refund_window.manual, None)
    assert lines == ["- **Refund window**: 30 days → 45 days (1 entry)."]


def test_after_a_change_the_next_one_is_material_unless_said_otherwise(refund_window, alice, mallory):
    change(refund_window, author=alice, approver=mallory, value="45 days", material=False)
    refund_window.refresh_from_db()
    assert refund_window.draft_is_material is True
    services.value_save_draft(shared_value=refund_window, user=alice, value="60 days", reason="x", is_material=False)
    services.value_withdraw(shared_value=refund_window, user=alice)
    refund_window.refresh_from_db()
    assert refund_window.draft_is_material is True


def test_the_review_queue_holds_this_manuals_values_in_review_oldest_first(
    manual, alice, mallory, refund_window, support_hours
):
    services.value_create(manual=manual, user=alice, name="shop_hours", label="Shop hours", value="9 to 5")
    other = services.manual_save(manual=None, user=alice, data={"title": "Other", "slug": "other"})
    elsewhere = services.value_create(manual=other, user=alice, name="refund_window", label="Other window", value="1")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for shared in (support_hours, elsewhere, refund_window):  # the refund window is older, submitted last
            propose(shared, author=alice, value="45 days")
            clock.shift(timedelta(minutes=1))
    assert [s.label for s in values_in_review(manual)] == ["Support hours", "Refund window"]


def test_a_version_waiting_for_its_date_takes_the_value_though_neither_live_text_nor_draft_uses_it(
    waiting_entries, refund_window, alice, mallory
):
    change_ = change(refund_window, author=alice, approver=mallory, value="45 days")
    later = Entry.objects.get(slug="later")
    assert (later.live_version.number, later.scheduled_version.number) == (1, 3)
    assert "Refunds within 45 days." in later.scheduled_version.body_html
    assert sorted((v.entry.slug, v.number) for v in change_.entry_versions.all()) == [
        ("dropped", 2), ("later", 3), ("returns", 2)
    ]  # fmt: skip
