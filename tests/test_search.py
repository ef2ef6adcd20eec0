"""Searching the published manual: word forms, questions, spelling, filters, what is never found, snippets, and
an index that follows every way an entry is published, moved, retired or deleted."""

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from policies import events, services
from policies.models import Entry
from search.indexing import Models, index_rebuild
from search.models import SearchDocument, SearchTerm
from search.selectors import SearchFilters, search
from tests.conftest import publish, revise, shown

ESCALATION = """When the customer asks for a manager, or the solution needs an approval you do not have, escalate.

| Tier | Who |
|---|---|
| 2 | Team lead |
| 3 | Customer service manager |

Write a handover note when you escalate, so the customer never tells the story twice."""


@pytest.fixture
def clock():
    """Time stands still on 2 February 2026 until a test moves it."""
    with time_machine.travel(datetime(2026, 2, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block after which what was written is indexed, as after the commit in the app."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def slugs(manual, query, **filters) -> list[str]:
    return [r.slug for r in search(manual, query, SearchFilters(**filters)).results]


def test_word_forms_match(manual, live):
    live("gear-guarantee", title="Gear guarantee", body="Look for damage to the item before you accept a claim.")
    live("tone", title="Tone", body="Be warm and clear.")
    assert slugs(manual, "damaged item") == ["gear-guarantee"]
    assert slugs(manual, "claims") == ["gear-guarantee"]


def test_a_question_finds_the_escalation_procedure_first(manual, live):
    live("problem-solving", title="Problem solving and escalation", kind="procedure", body=ESCALATION,
         summary="A method for solving a customer's problem, and the escalation tiers.")  # fmt: skip
    live("code-of-conduct", title="Code of conduct", body="Some customers are anxious or angry. Stay calm. "
         "See [problem solving and escalation](problem-solving.md).")  # fmt: skip
    live("chat", title="Chat protocol", kind="protocol", body="Greet the customer. Ask the customer what they need.")
    live("refund-policy", title="Refund policy", body="Customers bring the receipt within 30 days.")
    assert slugs(manual, "how do I escalate an angry customer")[0] == "problem-solving"


def test_stop_words_alone_look_for_nothing(client, carol, manual, live):
    live("refund-policy", title="Refund policy", body="What to do when a customer asks.")
    result = search(manual, "how do I")
    assert result.query == "how do I" and not result.searchable and not result.results
    client.force_login(carol)
    assert (
        "type the words of what you are looking for"
        in client.get("/manuals/service/search/?q=how+do+I").content.decode()
    )


def test_a_misspelling_is_corrected_when_nothing_matches(manual, live):
    live("refund-policy", title="Refund and reimbursement policy", body="Refunds within 30 days.")
    live("tone", title="Tone", body="Be warm.")
    result = search(manual, "refnd")
    assert result.suggestion == "refund" and result.corrected and result.searched_for == "refund"
    assert [r.slug for r in result.results] == ["refund-policy"]
    exact = search(manual, "refnd", correct=False)
    assert exact.suggestion == "refund" and not exact.results


def test_a_real_word_the_manual_does_not_use_is_not_turned_into_one_it_does(manual, live):
    live("quality-reviews", title="Quality reviews", body="Coaching sessions for new hires.")
    live("refund-policy", title="Refund policy", body="Refunds within 30 days.")
    for query in ("xylophone lessons", "refnd xylophone"):  # every unknown word needs a likely spelling
        result = search(manual, query)
        assert result.suggestion == "" and not result.results, query
    assert search(manual, "refnd polcy").suggestion == "refund policy"


def test_the_page_offers_the_spelling_and_the_exact_words(client, carol, manual, live):
    live("refund-policy", title="Refund policy", body="Refunds within 30 days.")
    client.force_login(carol)
    page = client.get("/manuals/service/search/?q=refnd").content.decode()
    assert "Nothing matches “refnd”, so these are the results for “<strong>refund</strong>”" in page
    assert 'href="/manuals/service/search/?q=refnd&amp;exact=1"' in page
    assert '<a href="/manuals/service/refund-policy/">Refund policy</a>' in page
    page = client.get("/manuals/service/search/?q=refnd&exact=1").content.decode()
    assert "Did you mean <a" in page and "Nothing in the manual matches “refnd”" in page


def test_titles_rank_above_summaries_above_text(manual, live):
    live("in-body", title="Tone", body="A receipt is proof of purchase.", summary="How we sound.")
    live("in-summary", title="Till", summary="Printing a receipt.", body="Press the button.")
    live("in-title", title="Receipts", summary="What they are.", body="Keep them.")
    assert slugs(manual, "receipt") == ["in-title", "in-summary", "in-body"]


def test_phrases_and_left_out_words(manual, live):
    live("refund-policy", title="Refund policy", body="A full refund within 30 days.")
    live("goodwill", title="Goodwill", body="A refund of the delivery charge, never in full.")
    assert slugs(manual, '"full refund"') == ["refund-policy"]
    assert slugs(manual, "refund -delivery") == ["refund-policy"]


def test_filters_by_kind_section_channel_and_team(manual, live, alice, phone, chat):
    other = services.section_save(section=None, manual=manual, user=alice,
                                  data={"title": "Channels", "slug": "channels", "order": 2})  # fmt: skip
    live("chat-protocol", title="Chat refunds", kind="protocol", section=other, channels=["chat"],
         audience=["chat-support"])  # fmt: skip
    live("phone-protocol", title="Phone refunds", kind="protocol", section=other, channels=["phone"],
         audience=["phone-support"])  # fmt: skip
    live("refund-policy", title="Refund policy", channels=["chat", "phone"])
    assert set(slugs(manual, "refunds")) == {"chat-protocol", "phone-protocol", "refund-policy"}
    assert set(slugs(manual, "refunds", kind="protocol")) == {"chat-protocol", "phone-protocol"}
    assert set(slugs(manual, "refunds", channel="chat")) == {"chat-protocol", "refund-policy"}
    assert set(slugs(manual, "refunds", section="channels")) == {"chat-protocol", "phone-protocol"}
    # A team's entries, and the entries for everyone
    assert set(slugs(manual, "refunds", team="phone-support")) == {"phone-protocol", "refund-policy"}
    assert slugs(manual, "refunds", kind="protocol", channel="chat", team="chat-support") == ["chat-protocol"]


def test_the_page_filters_and_says_when_the_filters_hid_everything(client, carol, manual, live):
    live("refund-policy", title="Refund policy", channels=["chat"])
    client.force_login(carol)
    page = client.get("/manuals/service/search/?q=refund&kind=protocol&channel=bogus").content.decode()
    assert "Nothing in the manual matches “refund” with these filters" in page
    assert '<a href="/manuals/service/search/?q=refund">1 result without the filters</a>' in page
    assert '<option value="protocol" selected>' in page
    page = client.get("/manuals/service/search/?q=refund&channel=chat").content.decode()
    assert "1 result for “refund” with these filters" in page


def test_a_draft_saved_over_a_published_entry_is_never_found(client, carol, manual, live, bob, alice, committed):
    entry = live("refund-policy", title="Refund policy", body="Refunds within 30 days with a receipt.")
    with committed():
        services.entry_save_draft(
            entry=entry,
            manual=manual,
            user=bob,
            data={"title": "Okapi policy", "summary": "Okapis.", "body": "Okapis get refunds."},
        )
    assert slugs(manual, "okapi") == []
    with committed():
        services.entry_submit(entry=entry, user=bob)
    assert slugs(manual, "okapi") == []
    assert slugs(manual, "30 days") == ["refund-policy"]
    assert search(manual, "30 days").results[0].snippet_html.count("<mark>") >= 1
    client.force_login(carol)
    page = client.get("/manuals/service/search/?q=okapi").content.decode()
    assert "Nothing in the manual matches “okapi”" in page and "Okapis get refunds" not in page
    page = client.get("/manuals/service/search/?q=refunds").content.decode()
    assert "Refund policy" in page and "Okapi" not in page
    # Once approved, the new text is the one found, and the old text is gone
    with committed():
        services.entry_approve(entry=entry, user=alice, change_summary="Okapis", is_material=True,
                               reviewed_lock_version=shown(entry))  # fmt: skip
    assert slugs(manual, "okapi") == ["refund-policy"] and slugs(manual, "receipt") == []


def test_an_entry_never_published_is_never_found(manual, live, make_entry, committed):
    live("refund-policy", title="Refund policy", body="Refunds within 30 days with a receipt.")
    with committed():
        make_entry("zebra", title="Zebra crossings", body="Zebras.", published=False)
    assert slugs(manual, "zebra") == [] and SearchDocument.objects.count() == 1


def test_a_version_dated_later_is_found_only_from_its_day(clock, manual, live, bob, alice, committed):
    entry = live("refund-policy", title="Refund policy", body="Refunds within 30 days with a receipt.")
    clock.move_to(datetime(2026, 2, 10, 9, 0, tzinfo=UTC))
    with committed():
        services.entry_save_draft(entry=entry, manual=manual, user=bob,
                                  data={"body": "Refunds within 45 days, okapis included.",
                                        "effective_date": date(2026, 3, 1)})  # fmt: skip
        publish(entry, author=bob, approver=alice, summary="Longer window from March")
    assert slugs(manual, "okapi") == [] and slugs(manual, "receipt") == ["refund-policy"]
    clock.move_to(datetime(2026, 3, 1, 0, 1, tzinfo=UTC))
    with committed():
        call_command("run_periodic", stdout=io.StringIO())
    assert slugs(manual, "okapi") == ["refund-policy"] and slugs(manual, "receipt") == []
    assert SearchDocument.objects.get(entry=entry).version.number == 2


def test_a_revision_replaces_the_old_text(manual, live, bob, alice, committed):
    entry = live("refund-policy", title="Refund policy", body="Refunds within 30 days.")
    with committed():
        revise(entry, author=bob, approver=alice, body="Refunds within 60 days, by bank transfer.")
    assert slugs(manual, "transfer") == ["refund-policy"]
    assert SearchDocument.objects.get(entry=entry).version == entry.live_version
    assert "30" not in search(manual, "refund").results[0].snippet_html
    assert not SearchTerm.objects.filter(manual=manual, word="within", documents=0).exists()


def test_retired_entries_leave_and_come_back_only_when_approved_again(manual, live, alice, mallory, committed):
    entry = live("price-match", title="Price match promise", body="We match any price.")
    with committed():
        services.entry_retire(entry=entry, user=alice, reason="Withdrawn")
    assert slugs(manual, "price") == [] and not SearchDocument.objects.exists()
    with committed():
        services.entry_reinstate(entry=entry, user=alice)
    assert slugs(manual, "price") == []  # a reinstated entry is a draft until approved
    with committed():
        publish(entry, author=alice, approver=mallory, summary="Back")
    assert slugs(manual, "price") == ["price-match"]


def test_the_vocabulary_counts_documents_and_forgets_words_gone(manual, live, alice, committed):
    first = live("a", title="Okapi care", body="Okapis.")
    live("b", title="Okapi feeding", body="Leaves.")
    assert SearchTerm.objects.get(manual=manual, word="okapi").documents == 2
    with committed():
        services.entry_retire(entry=first, user=alice, reason="Gone")
    assert SearchTerm.objects.get(manual=manual, word="okapi").documents == 1
    assert not SearchTerm.objects.filter(manual=manual, word="okapis").exists()


def test_publishing_with_the_events_muted_is_indexed_all_the_same(manual, make_entry, committed):
    # The demo replays its past year with the events muted; its manual must still be searchable.
    with committed(), events.muted():
        make_entry("refund-policy", title="Refund policy", body="Refunds within 30 days.")
    assert slugs(manual, "refund") == ["refund-policy"]


def test_moving_an_entry_moves_it_in_the_index(manual, live, alice, committed):
    entry = live("refund-policy", title="Refund policy")
    other = services.section_save(section=None, manual=manual, user=alice,
                                  data={"title": "Procedures", "slug": "procedures", "order": 2})  # fmt: skip
    with committed():
        services.entry_move(entry=entry, user=alice, section=other)
    assert slugs(manual, "refund", section="procedures") == ["refund-policy"]
    assert search(manual, "refund").results[0].section == "Procedures"


def test_deleting_a_manual_takes_its_documents_out_of_the_index(manual, live, make_entry):
    live("refund-policy", title="Refund policy")
    from demo.story import demo_delete

    demo_delete(manual)
    assert not SearchDocument.objects.exists() and not SearchTerm.objects.exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'refund'")
            assert cursor.fetchone()[0] == 0


def test_the_demo_is_searchable_after_load_demo(db, committed, settings):
    settings.DEBUG = True
    with committed():
        call_command("load_demo", stdout=io.StringIO())
    demo = Entry.objects.filter(manual__slug="northwind")
    assert SearchDocument.objects.count() == demo.live().count() > 20
    manual = demo.first().manual
    assert slugs(manual, "how do I escalate an angry customer")[0] == "problem-solving"
    assert slugs(manual, "refnd")[0] == "refund-policy"
    assert slugs(manual, "damaged item")[0] == "gear-guarantee"


def test_rebuild_search_index_remakes_the_index(manual, make_entry):
    make_entry("refund-policy", title="Refund policy")  # published, but the commit never came
    assert slugs(manual, "refund") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == "Indexed 1 live entry of every manual.\n"
    assert slugs(manual, "refund") == ["refund-policy"]
    call_command("rebuild_search_index", "service", stdout=out)
    assert SearchDocument.objects.count() == 1


def test_the_data_migration_indexes_existing_manuals(manual, make_entry):
    make_entry("refund-policy", title="Refund policy")
    apps = MigrationExecutor(connection).loader.project_state(("search", "0002_fill_index")).apps
    assert index_rebuild(models=Models.historical(apps)) == 1
    assert slugs(manual, "refund") == ["refund-policy"]


def test_snippets_escape_the_text_and_mark_the_words(client, carol, manual, live):
    live("safe-replies", title="Safe replies", body="Never paste `<script>alert(1)</script>` into a reply "
         "about a refund: the chat tool would show it as text.")  # fmt: skip
    result = search(manual, "refund script")
    snippet = result.results[0].snippet_html
    assert "paste &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; into" in snippet
    assert "<script" not in snippet and "<mark>refund</mark>" in snippet
    client.force_login(carol)
    page = client.get("/manuals/service/search/?q=refund+script").content.decode()
    assert "<script>alert(1)" not in page and "&lt;/<mark>script</mark>&gt;" in page


def test_a_query_with_markup_is_shown_as_text(client, carol, manual, live):
    live("refund-policy", title="Refund policy")
    client.force_login(carol)
    page = client.get('/manuals/service/search/?q=<b>refund"</b>').content.decode()
    assert "<b>refund" not in page and "&lt;b&gt;refund" in page


def test_the_search_page_lists_results_with_kind_section_and_snippet(client, carol, manual, live):
    live("refund-policy", title="Refund policy", body="Refunds within **30 days**.")
    live("chat", title="Chat protocol", kind="protocol", body="Mention the refund only if asked.")
    client.force_login(carol)
    page = client.get("/manuals/service/search/?q=refund").content.decode()
    assert "2 results for “refund”." in page
    results = page.split('<ol class="search-results">')[1]
    assert results.index("Refund policy") < results.index("Chat protocol")
    assert '<span class="chip kind-protocol">Protocol</span> <span class="muted">Policies</span>' in results
    assert "<mark>Refunds</mark> within 30 days." in results


def test_the_search_page_answers_in_a_fixed_number_of_queries(client, carol, manual, live, django_assert_num_queries):
    for i in range(6):
        live(f"e{i}", body=f"Refund rule {i}.")
    client.force_login(carol)
    # session, user, manual, sections, live versions (contents), the words' frequencies, the search, teams (for
    # the filter), the two permission lookups for the role, unread notifications
    with django_assert_num_queries(11):
        response = client.get("/manuals/service/search/?q=refund")
    assert response.content.decode().count('class="search-result"') == 6


def test_search_needs_sign_in(client, manual):
    assert client.get("/manuals/service/search/?q=refund").status_code == 302


def test_scripts_and_targets_are_searched_as_part_of_the_entry(manual, live, bob, alice, committed):
    protocol = live("chat-protocol", kind="protocol", body="How we chat.")
    script = {"channel": "chat", "situation": "Macro: closing", "text": "Enjoy your kayak trip, and paddle safely."}
    with committed():
        revise(protocol, author=bob, approver=alice, scripts=[script])
    standard = live("response-times", kind="standard", body="How fast.")
    target = {"metric": "Voicemail returned", "channel": "phone", "comparison": "within", "value": "2",
              "unit": "hours", "period": ""}  # fmt: skip
    with committed():
        revise(standard, author=bob, approver=alice, targets=[target])
    assert slugs(manual, "kayak")[0] == "chat-protocol"
    assert slugs(manual, "voicemail")[0] == "response-times"


def test_a_search_that_finds_nothing_says_so_without_a_numbered_list(client, carol, manual, live):
    live("refund-policy")
    client.force_login(carol)
    html = client.get("/manuals/service/search/?q=zebra").content.decode()
    assert "<h2>Nothing in the manual matches “zebra”</h2>" in html
    assert 'class="search-results"' not in html


def test_a_search_that_finds_something_lists_it(client, carol, manual, live):
    live("refund-policy")
    client.force_login(carol)
    html = client.get("/manuals/service/search/?q=refunds").content.decode()
    assert '<ol class="search-results">' in html and "Nothing in the manual matches" not in html


def test_rebuilding_one_manual_in_batches_indexes_all_its_live_entries_and_leaves_the_others(
    manual, make_entry, alice, bob, monkeypatch
):
    monkeypatch.setattr("search.indexing.BATCH", 2)  # five entries make two full batches and a last one
    for n in range(5):
        make_entry(f"refund-rule-{n}", title=f"Refund rule {n}", body=f"Refunds of kind {n} take **{n} days**.")
    other = services.manual_save(manual=None, user=alice, data={"title": "Shop manual", "slug": "shop"})
    shelf = services.section_save(section=None, manual=other, user=alice, data={"title": "Shop", "slug": "shop"})
    kept = services.entry_save_draft(entry=None, manual=other, user=bob, data={
        "title": "Shelf refunds", "slug": "shelf-refunds", "kind": "policy", "body": "Refunds at the shelf.",
        "section": shelf})  # fmt: skip
    publish(kept, author=bob, approver=alice)
    index_rebuild(manual=other)

    assert index_rebuild(manual=manual) == 5
    assert sorted(slugs(manual, "refund")) == [f"refund-rule-{n}" for n in range(5)]
    assert slugs(other, "refund") == ["shelf-refunds"]  # the other manual's index is left as it was
    assert SearchDocument.objects.filter(manual=manual).count() == 5
    # The vocabulary behind "did you mean" counts the documents each word is in, per manual.
    assert SearchTerm.objects.get(manual=manual, word="refunds").documents == 5
    assert SearchTerm.objects.get(manual=other, word="refunds").documents == 1
