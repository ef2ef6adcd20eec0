"""The starter template: what it holds, and starting a new manual from it on the new-manual page."""

import io
import re
from dataclasses import replace

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client

from policies.importexport import ManualImportError, read_manual_folder
from policies.importexport.starter import (
    COMPANY_PLACEHOLDER,
    STARTER_FOLDER,
    STARTER_REASON,
    manual_create_from_starter,
    starter_plan,
)
from policies.models import Channel, Entry, EntryStatus, EntryVersion, Manual, Section
from policies.rendering.markdown import render_markdown

# Square brackets not followed by "(": a placeholder, or a link written wrongly. Links are [text](file.md).
BRACKETED = re.compile(r"\[([^\]]+)\](?!\()")

FORM = {
    "title": "Harbour Lights Service Manual",
    "slug": "harbour",
    "organisation": "Harbour Lights Ferries",
    "mission": "",
    "vision": "",
    "ack_days": "14",
    "require_second_approver": "on",
    "start_with": "starter",
}


@pytest.fixture(scope="module")
def plan():
    return read_manual_folder(STARTER_FOLDER)


def entries_of(plan, *, kind=None, channel=None):
    return [e for e in plan.entries if (kind is None or e.kind == kind) and (channel is None or channel in e.channels)]


def body_of(plan, slug):
    return plan.entry(slug).body


def start(client, **fields):
    """Post the new-manual form as a browser would, CSRF token included."""
    page = client.get("/manuals/new/")
    assert page.status_code == 200
    return client.post("/manuals/new/", {**FORM, **fields, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


@pytest.fixture
def manager(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


# The template itself ------------------------------------------------------------------------------------------


def test_the_starter_folder_reads_without_problems_and_is_the_size_of_a_real_manual(plan):
    assert 18 <= len(plan.entries) <= 24
    for entry in plan.entries:
        words = len(entry.body.split())
        assert 150 <= words <= 420, (entry.slug, words)
        assert entry.owner and entry.summary and entry.channels, entry.slug
    assert [s.slug for s in plan.sections] == [
        "foundations", "policies", "procedures", "channel-protocols", "service-standards", "training-and-improvement",
    ]  # fmt: skip
    assert {e.section for e in plan.entries} == {s.slug for s in plan.sections}  # no empty section


def test_the_starter_covers_what_a_customer_service_manual_needs(plan):
    assert COMPANY_PLACEHOLDER in plan.mission and "[your " in plan.vision
    assert plan.channels == list(Channel.values)
    # A protocol for every channel, each one for its own channel.
    for channel in Channel.values:
        protocols = entries_of(plan, kind="protocol", channel=channel)
        assert [p.channels for p in protocols] == [[channel]], channel
    # Conduct and tone.
    assert plan.entry("code-of-conduct").kind == "policy"
    assert plan.entry("how-we-speak-to-customers").kind == "policy"
    # Refunds with a cut-off window the health check can read, and a compensation budget with limits per role.
    assert re.search(r"\bwithin 30 days\b", body_of(plan, "refund-policy"))
    assert "After 30 days" in body_of(plan, "refund-policy")
    budget = body_of(plan, "compensation-budget")
    for role in ("Customer service agent", "Team leader", "Customer service manager"):
        assert re.search(rf"^\| {role} \| up to \d+ \|$", budget, re.M), role
    # Problem solving, with an escalation path and follow-up, and complaints: procedures.
    assert plan.entry("solving-problems").kind == "procedure"
    escalation = plan.entry("escalation-and-follow-up")
    assert escalation.kind == "procedure" and "## The escalation path" in escalation.body
    assert "## Following up" in escalation.body
    assert plan.entry("handling-complaints").kind == "procedure"
    # Measurable service standards.
    standards = " ".join(e.body for e in entries_of(plan, kind="standard"))
    assert "| Email | First reply within 4 business hours |" in standards
    assert "answered within 60 seconds" in standards
    assert "| Customer satisfaction | At least 90% per month |" in standards
    # Training with role-play, feedback, and the manual's own review.
    assert plan.entry("training-and-onboarding").kind == "procedure"
    assert "## How a session runs" in body_of(plan, "role-play-practice")
    assert plan.entry("customer-feedback").kind == "procedure"
    assert plan.entry("manual-review-schedule").kind == "procedure"


def test_every_placeholder_has_one_form_and_every_decision_one_note(plan):
    texts = [plan.mission, plan.vision, *(e.body for e in plan.entries)]
    placeholders = {p for text in texts for p in BRACKETED.findall(text) if not p.startswith("!")}
    assert placeholders and all(p.startswith("your ") for p in placeholders), sorted(placeholders)
    for entry in plan.entries:
        note = " ".join(line.removeprefix(">").strip() for line in entry.body.split("\n\n")[0].splitlines())
        assert note.startswith("[!IMPORTANT] **To decide:** "), entry.slug
        assert note.endswith(" Delete this note once you have decided."), entry.slug
        # Titles and summaries hold no placeholder, so the organisation's name never makes them too long.
        assert "[" not in entry.title + entry.summary, entry.slug


def test_placeholders_survive_rendering(plan):
    """A placeholder at the start of a line followed by a colon would be a Markdown link definition, and vanish."""
    slugs = {e.slug: i for i, e in enumerate(plan.entries, start=1)}
    for entry in plan.entries:
        rendered = render_markdown(entry.body, link_map=slugs)
        assert not rendered.broken_links, entry.slug
        assert str(rendered).count("[your ") == entry.body.count("[your "), entry.slug


def test_the_organisation_replaces_the_company_placeholder_everywhere():
    plan = starter_plan(organisation="  Harbour   Lights  ")
    texts = [plan.organisation, plan.mission, plan.vision, *(s.intro for s in plan.sections)]
    texts += [e.body for e in plan.entries]
    assert COMPANY_PLACEHOLDER not in "".join(texts)
    assert plan.mission.startswith("Harbour Lights exists to [your purpose")
    assert "[your customer system]" in plan.entry("refund-policy").body  # the other placeholders stay


def test_the_starter_folder_is_kept_in_the_exports_own_form(alice, tmp_path):
    """Imported and exported again, the folder comes back byte for byte: a manual started from it diffs cleanly."""
    call_command("import_manual", str(STARTER_FOLDER), user="alice", stdout=io.StringIO())
    out = tmp_path / "out"
    call_command("export_manual", "customer-service-manual", format="markdown", output=str(out), drafts=True)
    exported = {p.name: p.read_bytes() for p in out.iterdir()}
    shipped = {p.name: p.read_bytes() for p in STARTER_FOLDER.iterdir() if p.name != "README.md"}
    assert exported == shipped


def test_the_command_line_import_makes_drafts_only(alice):
    call_command("import_manual", str(STARTER_FOLDER), user="alice", stdout=io.StringIO())
    entries = Entry.objects.filter(manual__slug="customer-service-manual")
    assert entries.count() == len(read_manual_folder(STARTER_FOLDER).entries)
    assert set(entries.values_list("status", flat=True)) == {EntryStatus.DRAFT}
    assert not EntryVersion.objects.exists()


# Starting a manual from it ------------------------------------------------------------------------------------


def test_the_new_manual_form_offers_the_starter_first(manager):
    page = manager.get("/manuals/new/").content.decode()
    assert re.search(r'<input type="radio" name="start_with" value="starter"[^>]* checked', page)
    assert 'value="empty"' in page
    assert page.index('name="organisation"') < page.index('name="start_with"') < page.index('name="mission"')


def test_a_manager_starts_a_manual_from_the_starter_as_drafts(manager, alice, plan):
    response = start(manager)

    assert response.status_code == 302 and response["Location"] == "/manuals/harbour/sections/"
    manual = Manual.objects.get()
    assert (manual.title, manual.slug, manual.organisation) == (FORM["title"], "harbour", "Harbour Lights Ferries")
    assert manual.mission.startswith("Harbour Lights Ferries exists to [your purpose")
    assert manual.channels == list(Channel.values)
    assert list(manual.sections.values_list("slug", flat=True)) == [s.slug for s in plan.sections]
    entries = list(Entry.objects.filter(manual=manual))
    assert sorted(e.slug for e in entries) == sorted(e.slug for e in plan.entries)
    for entry in entries:
        assert entry.status == EntryStatus.DRAFT and entry.live_version_id is None and entry.has_unpublished_changes
        assert COMPANY_PLACEHOLDER not in entry.body
    assert "Harbour Lights Ferries" in Entry.objects.get(slug="phone-protocol").body
    assert not EntryVersion.objects.exists()
    # The history says who started it, and how.
    for model in (Manual, Section, Entry):
        rows = model.history.all()
        assert {(r.history_user_id, r.history_change_reason) for r in rows} == {(alice.pk, STARTER_REASON)}, model
    done, statements = (str(m) for m in get_messages(response.wsgi_request))
    assert f"{len(plan.entries)} draft entries to edit and submit for review" in done
    assert statements.startswith("The mission and vision statements are the template's, placeholders included")
    page = manager.get(response["Location"]).content.decode()
    assert page.count('class="chip status-draft"') == len(plan.entries)


def test_an_agent_sees_nothing_of_a_manual_started_from_the_starter(manager, carol, plan):
    start(manager)
    reader = Client()
    reader.force_login(carol)
    home = reader.get("/manuals/harbour/").content.decode()
    for entry in plan.entries:
        assert entry.title not in home, entry.slug
    assert reader.get("/manuals/harbour/refund-policy/").status_code == 404
    assert "within 30 days" not in reader.get("/manuals/harbour/print/").content.decode()


def test_what_the_manager_typed_is_kept(manager):
    response = start(manager, mission="Ferries on time, every time.", channels=["phone", "email"], organisation="")
    manual = Manual.objects.get()
    assert manual.mission == "Ferries on time, every time."
    assert manual.vision.startswith("To be the [your kind of business]")  # left empty: the starter's
    assert manual.channels == ["phone", "email"]
    (_, statements) = get_messages(response.wsgi_request)
    assert str(statements).startswith("The vision statement is the template's")
    assert manual.organisation == ""
    # Without an organisation, the placeholder stays for the manager to fill in.
    assert COMPANY_PLACEHOLDER in Entry.objects.get(slug="phone-protocol").body


def test_an_organisation_name_reads_as_typed_in_the_text(manager):
    start(manager, organisation="Sea*Air_Link [UK] <Ltd>")
    entry = Entry.objects.get(slug="phone-protocol")
    assert "Sea*Air_Link [UK] &lt;Ltd&gt;" in entry.body_html
    assert "<em>" not in entry.body_html and "<ltd>" not in entry.body_html.lower()
    assert Manual.objects.get().organisation == "Sea*Air_Link [UK] <Ltd>"


def test_an_empty_manual_has_no_sections_nor_entries(manager):
    response = start(manager, start_with="empty")
    assert response["Location"] == "/manuals/harbour/sections/new/"
    assert Manual.objects.get().organisation == "Harbour Lights Ferries"
    assert not Section.objects.exists() and not Entry.objects.exists()


def test_a_taken_slug_starts_nothing(manager, manual):
    response = start(manager, slug=manual.slug)
    assert response.status_code == 200 and "already" in response.content.decode()
    assert Manual.objects.count() == 1 and not Entry.objects.exists()


@pytest.mark.parametrize("who", ["carol", "bob"])
def test_only_managers_can_start_a_manual(request, who):
    client = Client()
    client.force_login(request.getfixturevalue(who))
    assert client.get("/manuals/new/").status_code == 403
    assert client.post("/manuals/new/", FORM).status_code == 403
    assert not Manual.objects.exists()


def test_starting_from_the_starter_is_all_or_nothing(alice, monkeypatch):
    plan = starter_plan()
    # "search" is the address of the manual's search page: the entry is refused after the others were saved.
    broken = replace(plan, entries=[*plan.entries[:-1], replace(plan.entries[-1], slug="search")])
    monkeypatch.setattr("policies.importexport.starter.starter_plan", lambda organisation: broken)
    data = {"title": "Harbour", "slug": "harbour", "organisation": "", "mission": "", "vision": "", "channels": []}
    with pytest.raises(ManualImportError):
        manual_create_from_starter(user=alice, data=data)
    assert not Manual.objects.exists() and not Entry.objects.exists()
