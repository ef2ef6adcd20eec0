"""The import_manual, export_manual and load_demo commands, and the file format they share."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from acknowledgements.models import Acknowledgement
from people.models import Team
from policies import selectors, services
from policies.importexport import manual_import, read_manual_folder
from policies.models import (
    Edition,
    Entry,
    EntryStatus,
    EntryVersion,
    Manual,
    Section,
    SharedValue,
    SharedValueVersion,
    StoredPDF,
)
from policies.rendering.markdown import resolve_entry_links

DEMO = Path(django_settings.BASE_DIR) / "demo" / "manual"

MANUAL_YML = """\
title: Test Manual
slug: test-manual
organisation: Acme Outfitters
mission: |
  We help every customer leave happier.

  Always.
sections:
- slug: policies
  title: Policies
  intro: The rules we keep.
- slug: procedures
  title: Procedures
"""

REFUND = """\
---
title: Refund policy
kind: policy
section: policies
order: 1
channels: [phone, email]
owner: Returns team
review_every_months: 6
summary: "Refunds: within 30 days."
effective_date: 2026-02-01
---

Refunds within **30 days**. Faulty items follow [the guarantee](guarantee.md).
"""

GUARANTEE = """\
---
title: Gear guarantee
slug: guarantee
kind: policy
section: policies
order: 2
---
Two years for faults.


"""

# In a subfolder, and sorted before the entry it links to: the link must still resolve.
COMPLAINTS = """\
---
title: Handling complaints
kind: procedure
section: procedures
channels:
  - chat
---

Listen first, then apply the [refund policy](refund-policy.md).

> [!NOTE]
> Log every complaint.
"""


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


@pytest.fixture
def folder(tmp_path) -> Path:
    """A small manual folder, hand-written: defaults left out, a subfolder, a README that is not an entry."""
    return write_files(
        tmp_path / "source",
        {
            "manual.yml": MANUAL_YML,
            "README.md": "# How to edit this manual\n",
            "refund-policy.md": REFUND,
            "guarantee.md": GUARANTEE,
            "complaints/handling-complaints.md": COMPLAINTS,
        },
    )


def run_import(path, *args, user="alice") -> str:
    out = io.StringIO()
    call_command("import_manual", str(path), *(["--user", user] if user else []), *args, stdout=out)
    return out.getvalue()


def run_export(slug, path, *args) -> str:
    out = io.StringIO()
    call_command("export_manual", slug, "--output", str(path), *args, stdout=out)
    return out.getvalue()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def db_state() -> dict:
    """Everything an import could change: row counts, history counts, and each entry's state."""
    state = {}
    for model in (Manual, Section, Entry, EntryVersion, Team):
        state[model.__name__] = model.objects.count()
        state[f"history of {model.__name__}"] = model.history.count()
    state["entries"] = sorted(
        Entry.objects.values_list(
            "slug", "lock_version", "status", "live_version_id", "body", "body_html", "audience", "owner",
            "owner_user_id", "owner_team_id",
        )
    )  # fmt: skip
    return state


def windows_copy(root: Path, dest: Path) -> Path:
    """A copy of a folder as a Windows editor might save it: CRLF line ends, spaces left at the end of every
    line of manual.yml, and spaces and tabs at the end of every line of an entry's body. (Not in the front
    matter, whose ``---`` lines must be exactly that; YAML itself refuses a tab after a value.)"""
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        if path.suffix == ".yml":
            lines = [line + "  " for line in lines]
        else:
            start = lines.index("---", 1) + 1 if lines[0] == "---" else 0
            lines = lines[:start] + [line + " \t " for line in lines[start:]]
        target = dest / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes("\r\n".join(lines).encode("utf-8"))
    return dest


def wipe_manuals() -> None:
    """Empty the database of manuals and their history, as a fresh install would be."""
    for model in (StoredPDF, Edition, Acknowledgement):
        model.objects.all().delete()
    Entry.objects.update(live_version=None, ack_version=None)
    for model in (SharedValueVersion, SharedValue, EntryVersion, Entry, Section, Manual):
        model.objects.all().delete()
    for model in (SharedValueVersion, SharedValue, EntryVersion, Entry, Section, Manual):
        model.history.all().delete()


# Import --------------------------------------------------------------------------------------------------------


def test_import_with_publish_creates_the_manual_sections_and_published_entries(folder, alice):
    out = run_import(folder, "--publish")

    manual = Manual.objects.get(slug="test-manual")
    assert manual.organisation == "Acme Outfitters"
    assert manual.mission == "We help every customer leave happier.\n\nAlways."
    assert "<p>Always.</p>" in manual.mission_html
    assert [(s.slug, s.order) for s in manual.sections.order_by("order")] == [("policies", 1), ("procedures", 2)]
    assert sorted(Entry.objects.live().values_list("slug", flat=True)) == [
        "guarantee", "handling-complaints", "refund-policy",
    ]  # fmt: skip
    refund = Entry.objects.get(slug="refund-policy")
    assert refund.live_version.number == 1
    assert refund.channels == ["phone", "email"]
    assert refund.summary == "Refunds: within 30 days."
    assert str(refund.effective_date) == "2026-02-01"
    assert refund.review_every_months == 6
    assert refund.body.startswith("Refunds within") and refund.body.endswith("(guarantee.md).")
    assert Entry.objects.get(slug="guarantee").body == "Two years for faults."
    assert "3 created" in out and "3 versions published" in out


def test_the_import_service_reports_what_it_did(folder, alice):
    report = manual_import(path=folder, publish=True, user=alice)

    assert report.manual_created
    assert report.sections_created == ["policies", "procedures"]
    assert sorted(report.created) == ["guarantee", "handling-complaints", "refund-policy"]
    assert sorted(report.published) == [("guarantee", 1), ("handling-complaints", 1), ("refund-policy", 1)]
    assert report.missing == []
    assert report.warnings == [
        "refund-policy.md names the owner 'Returns team', which is neither a username nor a team's slug; "
        "kept as text and shown as unassigned"
    ]


def test_import_records_the_user_and_the_folder_in_history(folder, alice):
    run_import(folder, "--publish")

    record = Entry.objects.get(slug="guarantee").history.order_by("history_date", "history_id").first()
    assert record.history_user == alice
    assert record.history_change_reason == f"Imported from {folder}"
    assert Manual.objects.get().history.first().history_user == alice


def test_links_to_entries_imported_later_resolve(folder, alice):
    run_import(folder, "--publish")

    complaints = Entry.objects.get(slug="handling-complaints")
    snapshot = selectors.manual_snapshot(complaints.manual)
    page = resolve_entry_links(complaints.live_version.body_html, snapshot.page_urls())
    assert f'href="/manuals/{complaints.manual.slug}/refund-policy/"' in page
    assert 'class="callout callout-note"' in complaints.live_version.body_html


def test_a_link_to_a_file_that_is_not_an_entry_is_a_warning(folder, alice):
    _replace("guarantee.md", "Two years for faults.", "See [repairs](repairs.md).")(folder)

    out = run_import(folder, "--publish")

    assert "Warning: guarantee.md links to repairs.md, which is not an entry of this manual" in out
    assert Entry.objects.live().count() == 3


def test_reimporting_an_unchanged_folder_changes_nothing(folder, alice):
    run_import(folder, "--publish")
    before = db_state()

    out = run_import(folder, "--publish")

    assert db_state() == before
    assert "Nothing to do" in out
    assert "3 unchanged" in out


def test_a_folder_saved_with_crlf_and_spaces_at_line_ends_imports_to_the_same_text(folder, alice, tmp_path):
    run_import(folder, "--publish")
    stored = {e.slug: e.body for e in Entry.objects.all()}
    mission = Manual.objects.get().mission
    copy = windows_copy(folder, tmp_path / "windows")
    assert b"faults. \t \r\n" in (copy / "guarantee.md").read_bytes()
    wipe_manuals()

    run_import(copy, "--publish")

    assert {e.slug: e.body for e in Entry.objects.all()} == stored
    assert {v.entry.slug: v.body for v in EntryVersion.objects.select_related("entry")} == stored
    assert Manual.objects.get().mission == mission
    assert Section.objects.get(slug="policies").intro == "The rules we keep."


def test_reimporting_a_crlf_copy_of_an_imported_folder_writes_no_new_version(folder, alice, tmp_path):
    run_import(folder, "--publish")
    before = db_state()

    out = run_import(windows_copy(folder, tmp_path / "windows"), "--publish")

    assert db_state() == before
    assert "3 unchanged" in out


def test_reimporting_one_changed_file_makes_one_new_version_with_a_reason(folder, alice):
    run_import(folder, "--publish")
    versions = EntryVersion.objects.count()
    text = REFUND.replace("title: Refund policy", "title: Refunds").replace("30 days**", "45 days**")
    (folder / "refund-policy.md").write_text(text, encoding="utf-8")

    out = run_import(folder, "--publish")

    assert EntryVersion.objects.count() == versions + 1
    refund = Entry.objects.get(slug="refund-policy")
    assert refund.live_version.number == 2
    assert refund.live_version.title == "Refunds"
    assert refund.live_version.change_summary == f"Imported from {folder}: changed body, title"
    history = refund.history.order_by("-history_date", "-history_id")
    reasons = list(history.values_list("history_change_reason", flat=True))
    assert reasons[:2] == [
        f"Published version 2: Imported from {folder}: changed body, title",
        f"Imported from {folder}: changed body, title",
    ]
    assert "1 changed, 2 unchanged; 1 versions published" in out


def test_moving_an_entry_in_the_file_changes_its_place_without_a_new_version(folder, alice):
    run_import(folder, "--publish")
    versions = EntryVersion.objects.count()
    (folder / "guarantee.md").write_text(GUARANTEE.replace("order: 2", "order: 7"), encoding="utf-8")

    run_import(folder, "--publish")

    guarantee = Entry.objects.get(slug="guarantee")
    assert guarantee.order == 7
    assert EntryVersion.objects.count() == versions
    assert guarantee.status == EntryStatus.PUBLISHED


def test_import_without_publish_leaves_nothing_visible_to_readers(folder, alice):
    run_import(folder)

    manual = Manual.objects.get(slug="test-manual")
    assert Entry.objects.filter(manual=manual).count() == 3
    assert not Entry.objects.live().exists()
    assert not EntryVersion.objects.exists()
    assert selectors.manual_snapshot(manual).entry_count == 0
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.DRAFT}


def test_import_without_publish_changes_the_draft_and_keeps_the_published_text(folder, alice):
    run_import(folder, "--publish")
    (folder / "guarantee.md").write_text(GUARANTEE.replace("Two years", "Three years"), encoding="utf-8")

    run_import(folder)

    guarantee = Entry.objects.get(slug="guarantee")
    assert guarantee.body == "Three years for faults."
    assert guarantee.has_unpublished_changes
    assert guarantee.live_version.body == "Two years for faults."


def test_publishing_a_folder_imported_as_drafts_publishes_every_entry(folder, alice):
    run_import(folder)

    run_import(folder, "--publish")

    assert Entry.objects.live().count() == 3
    assert set(EntryVersion.objects.values_list("number", flat=True)) == {1}


def test_reimport_with_publish_leaves_a_draft_in_progress_alone(folder, alice, bob):
    run_import(folder, "--publish")
    guarantee = Entry.objects.get(slug="guarantee")
    services.entry_save_draft(entry=guarantee, manual=guarantee.manual, user=bob, data={"body": "Work in progress"})
    before = db_state()

    out = run_import(folder, "--publish")

    assert db_state() == before
    assert Entry.objects.get(slug="guarantee").body == "Work in progress"
    assert "drafts in progress left as they are: guarantee" in out


def test_entries_missing_from_the_folder_are_reported_and_left_alone(folder, alice):
    run_import(folder, "--publish")
    (folder / "guarantee.md").unlink()

    out = run_import(folder, "--publish")

    assert "not in the folder (left as they are): guarantee" in out
    assert Entry.objects.live().filter(slug="guarantee").exists()


def test_dry_run_reports_and_changes_nothing(folder, alice):
    before = db_state()

    out = run_import(folder, "--publish", "--dry-run")

    assert "3 created" in out and "Dry run" in out
    assert db_state() == before


# Bad input -----------------------------------------------------------------------------------------------------


def _replace(name, old, new):
    def change(root):
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def _write(name, content):
    return lambda root: write_files(root, {name: content})


BAD_INPUT = {
    "malformed manual.yml": (
        _replace("manual.yml", "organisation: Acme Outfitters", "organisation: [Acme"),
        r"manual\.yml, line \d+: malformed YAML",
    ),
    "malformed front matter": (
        _replace("refund-policy.md", "owner: Returns team", "owner: Returns: team: x"),
        r"refund-policy\.md, line 7: malformed YAML: mapping values are not allowed here",
    ),
    "unknown kind": (
        _replace("guarantee.md", "kind: policy", "kind: polcy"),
        r"guarantee\.md, line 4: unknown kind 'polcy' \(choose from policy, procedure, protocol, standard\)",
    ),
    "unknown section": (
        _replace("guarantee.md", "section: policies", "section: rules"),
        r"guarantee\.md, line 5: unknown section 'rules'",
    ),
    "unknown channel": (
        _replace("refund-policy.md", "[phone, email]", "[phone, fax]"),
        r"refund-policy\.md, line 6: unknown channel 'fax'",
    ),
    "duplicate slugs": (
        _write("more/refunds.md", "---\ntitle: Refunds again\nslug: refund-policy\nsection: policies\n---\n"),
        r"refund-policy\.md: the slug 'refund-policy' is also used by more/refunds\.md",
    ),
    "not UTF-8": (
        _write("guarantee.md", GUARANTEE.replace("Two years", "Deux ann\xe9es").encode("latin-1")),
        r"guarantee\.md, line 8: not UTF-8 text",
    ),
    "missing manual.yml": (
        lambda root: (root / "manual.yml").unlink(),
        r"manual\.yml: not found in ",
    ),
    "missing title": (
        _replace("guarantee.md", "title: Gear guarantee\n", ""),
        r"guarantee\.md, line 1: missing required field 'title'",
    ),
    "no front matter": (
        _write("notes.md", "Just some notes\n"),
        r"notes\.md, line 1: must start with a line '---'",
    ),
    "front matter not closed": (
        _write("notes.md", "---\ntitle: Notes\nsection: policies\n"),
        r"notes\.md, line 1: the front matter is not closed",
    ),
    "misspelt field": (
        _replace("refund-policy.md", "channels:", "chanels:"),
        r"refund-policy\.md, line 6: unknown field 'chanels'",
    ),
    "field given twice": (
        _replace("guarantee.md", "order: 2", "order: 2\norder: 3"),
        r"guarantee\.md, line 7: the field 'order' is given twice",
    ),
    "bad date": (
        _replace("refund-policy.md", "effective_date: 2026-02-01", "effective_date: 1 Feb 2026"),
        r"refund-policy\.md, line 10: 'effective_date' must be a date written YYYY-MM-DD",
    ),
    "number where text belongs": (
        _replace("guarantee.md", "title: Gear guarantee", "title: 2026"),
        r"guarantee\.md, line 2: 'title' must be text, not a number",
    ),
    "duplicate section": (
        _replace("manual.yml", "slug: procedures", "slug: policies"),
        r"manual\.yml, line 12: the section slug 'policies' is used twice",
    ),
    "reserved slug": (
        _write("notes.md", "---\ntitle: Notes\nslug: README\nsection: policies\n---\n"),
        r"notes\.md: the slug 'README' is reserved",
    ),
    "invalid slug": (
        _replace("guarantee.md", "slug: guarantee", "slug: gear guarantee"),
        r"guarantee\.md, line 3: 'slug' is 'gear guarantee', which is not a valid slug",
    ),
    "unknown team in an audience": (
        _replace("refund-policy.md", "owner: Returns team", "audience: [night-shift]\nowner: Returns team"),
        r"refund-policy\.md, line 7: the audience names the team 'night-shift', which is not in the app nor in "
        r"manual\.yml's teams",
    ),
    "audience that is not a list": (
        _replace("refund-policy.md", "owner: Returns team", "audience: {phone-support: yes}\nowner: Returns team"),
        r"refund-policy\.md, line 7: 'audience' must be a list of team slugs",
    ),
    "audience that is not slugs": (
        _replace("guarantee.md", "order: 2", "order: 2\naudience: [phone support, 3]"),
        r"guarantee\.md, line 7: 'audience' must list team slugs \(letters, numbers, hyphens\), not 'phone support', 3",
    ),
    "team without a name": (
        _replace("manual.yml", "sections:", "teams:\n- slug: night-shift\nsections:"),
        r"manual\.yml, line 9: missing required field 'name'",
    ),
    "team slug given twice": (
        _replace(
            "manual.yml",
            "sections:",
            "teams:\n- slug: night-shift\n  name: Nights\n- slug: night-shift\n  name: N\nsections:",
        ),
        r"manual\.yml, line 11: the team slug 'night-shift' is used twice",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_is_refused_naming_the_file_and_changes_nothing(case, folder, alice):
    run_import(folder, "--publish")
    # A valid change too: if the import were not all or nothing, it would show.
    _replace("complaints/handling-complaints.md", "Listen first", "Listen carefully")(folder)
    change, message = BAD_INPUT[case]
    change(folder)
    before = db_state()

    with pytest.raises(CommandError, match=message) as error:
        run_import(folder, "--publish")

    assert str(error.value).startswith("Nothing was imported.")
    assert db_state() == before


def test_bad_input_into_an_empty_database_creates_nothing(folder, alice):
    _replace("guarantee.md", "kind: policy", "kind: polcy")(folder)
    before = db_state()

    with pytest.raises(CommandError, match=r"guarantee\.md"):
        run_import(folder, "--publish")

    assert db_state() == before == {**before, "Manual": 0, "Entry": 0}


def test_every_problem_is_reported_at_once(folder, alice):
    _replace("guarantee.md", "kind: policy", "kind: polcy")(folder)
    _replace("refund-policy.md", "[phone, email]", "[fax]")(folder)

    with pytest.raises(CommandError, match=r"2 problems") as error:
        run_import(folder)

    assert "guarantee.md, line 4" in str(error.value)
    assert "refund-policy.md, line 6" in str(error.value)


def test_importing_over_a_retired_entry_is_refused(folder, alice):
    run_import(folder, "--publish")
    services.entry_retire(entry=Entry.objects.get(slug="guarantee"), user=alice, reason="No longer offered")
    before = db_state()
    _replace("complaints/handling-complaints.md", "Listen first", "Listen carefully")(folder)

    with pytest.raises(CommandError, match=r"guarantee\.md: the entry 'guarantee' is retired"):
        run_import(folder, "--publish")

    assert db_state() == before


def test_a_failure_while_writing_rolls_the_whole_import_back(folder, alice, monkeypatch):
    real_approve = services.entry_approve
    calls = []

    def approve_then_fail(**kwargs):
        calls.append(kwargs["entry"].slug)
        if len(calls) == 2:
            raise services.TransitionError("Simulated failure", code="simulated")
        return real_approve(**kwargs)

    monkeypatch.setattr(services, "entry_approve", approve_then_fail)
    before = db_state()

    with pytest.raises(CommandError, match=r"guarantee\.md: Simulated failure"):
        run_import(folder, "--publish")

    assert db_state() == before


def test_a_bad_folder_fails_on_the_command_line_without_a_traceback(tmp_path):
    write_files(tmp_path, {"manual.yml": "title: [oops\n"})
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}

    result = subprocess.run(
        [sys.executable, "manage.py", "import_manual", str(tmp_path)],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode != 0
    assert "manual.yml, line 2: malformed YAML" in result.stderr
    assert "Traceback" not in result.stderr


# Audiences, teams and owners -------------------------------------------------------------------------------------

TEAMS = """\
teams:
- slug: phone-support
  name: Phone support
- slug: chat-support
  name: Chat support
- slug: night-shift
  name: Night shift
"""


@pytest.fixture
def teams_folder(folder) -> Path:
    """The small folder with teams in manual.yml and audiences on two entries (one written as a single slug)."""
    write_files(folder, {"manual.yml": MANUAL_YML + TEAMS})
    _replace("refund-policy.md", "owner:", "audience: [phone-support, chat-support]\nowner:")(folder)
    _replace("guarantee.md", "order: 2", "order: 2\naudience: chat-support")(folder)
    return folder


def test_teams_are_created_with_history_and_audiences_imported(teams_folder, alice):
    out = run_import(teams_folder, "--publish")

    assert dict(Team.objects.values_list("slug", "name")) == {
        "phone-support": "Phone support", "chat-support": "Chat support", "night-shift": "Night shift",
    }  # fmt: skip
    record = Team.objects.get(slug="phone-support").history.get()
    assert record.history_user == alice
    assert record.history_change_reason == f"Imported from {teams_folder}"
    refund = Entry.objects.get(slug="refund-policy")
    assert refund.audience == refund.live_version.audience == ["chat-support", "phone-support"]
    assert Entry.objects.get(slug="guarantee").audience == ["chat-support"]
    assert Entry.objects.get(slug="handling-complaints").audience == []
    assert "Teams created: phone-support, chat-support, night-shift." in out


def test_an_audience_may_name_a_team_the_app_has_without_listing_it(folder, alice):
    Team.objects.create(slug="store-staff", name="Store staff")
    _replace("guarantee.md", "order: 2", "order: 2\naudience: [store-staff]")(folder)

    run_import(folder, "--publish")

    assert Entry.objects.get(slug="guarantee").live_version.audience == ["store-staff"]
    assert Team.objects.count() == 1


def test_a_team_the_app_has_keeps_its_name_with_a_warning(teams_folder, alice):
    Team.objects.create(slug="night-shift", name="Nights")

    report = manual_import(path=teams_folder, publish=True, user=alice)

    assert Team.objects.get(slug="night-shift").name == "Nights"
    assert report.teams_created == ["phone-support", "chat-support"]
    assert "manual.yml calls the team 'night-shift' 'Night shift'; the app calls it 'Nights' (left as it is)" in (
        report.warnings
    )


def test_changing_an_audience_is_a_change_like_any_other(teams_folder, alice):
    run_import(teams_folder, "--publish")
    _replace("refund-policy.md", "[phone-support, chat-support]", "[phone-support]")(teams_folder)

    run_import(teams_folder)

    refund = Entry.objects.get(slug="refund-policy")
    assert refund.audience == ["phone-support"] and refund.has_unpublished_changes
    assert refund.live_version.audience == ["chat-support", "phone-support"]

    run_import(teams_folder, "--publish")

    refund = Entry.objects.get(slug="refund-policy")
    assert refund.live_version.number == 2
    assert refund.live_version.audience == ["phone-support"]
    assert refund.live_version.change_summary == f"Imported from {teams_folder}: changed audience"
    before = db_state()

    out = run_import(teams_folder, "--publish")

    assert db_state() == before
    assert "Nothing to do" in out


def test_an_unknown_audience_team_into_an_empty_database_creates_nothing(folder, alice):
    _replace("guarantee.md", "order: 2", "order: 2\naudience: [phone-support, night-shift]")(folder)
    write_files(folder, {"manual.yml": MANUAL_YML + "teams:\n- slug: phone-support\n  name: Phone support\n"})
    before = db_state()

    with pytest.raises(CommandError) as error:
        run_import(folder, "--publish")

    assert str(error.value) == (
        "Nothing was imported. guarantee.md, line 7: the audience names the team 'night-shift', which is not in "
        "the app nor in manual.yml's teams"
    )
    assert db_state() == before


def test_an_owner_names_a_person_by_username_or_a_team_by_slug(folder, alice, bob):
    returns = Team.objects.create(slug="returns", name="Returns team")
    _replace("refund-policy.md", "owner: Returns team", "owner: returns")(folder)
    _replace("guarantee.md", "order: 2", "order: 2\nowner: bob")(folder)
    _replace("complaints/handling-complaints.md", "section: procedures", "section: procedures\nowner: Complaints desk")(
        folder
    )

    report = manual_import(path=folder, publish=True, user=alice)

    refund, guarantee, complaints = (
        Entry.objects.get(slug=s) for s in ("refund-policy", "guarantee", "handling-complaints")
    )
    assert (refund.owner_team, refund.owner_user, refund.owner) == (returns, None, "")
    assert refund.live_version.owner_team == returns and refund.live_version.owner_label == "Returns team"
    assert (guarantee.owner_user, guarantee.owner_team, guarantee.owner) == (bob, None, "")
    assert (complaints.owner_user, complaints.owner_team, complaints.owner) == (None, None, "Complaints desk")
    assert complaints.owner_unassigned
    assert report.warnings == [
        "complaints/handling-complaints.md names the owner 'Complaints desk', which is neither a username nor a "
        "team's slug; kept as text and shown as unassigned"
    ]


def test_an_owner_becoming_a_team_on_reimport_makes_a_new_version(folder, alice):
    run_import(folder, "--publish")
    Team.objects.create(slug="returns", name="Returns team")
    _replace("refund-policy.md", "owner: Returns team", "owner: returns")(folder)

    run_import(folder, "--publish")

    version = Entry.objects.get(slug="refund-policy").live_version
    assert version.number == 2 and version.owner_team.slug == "returns" and version.owner == ""
    assert version.change_summary == f"Imported from {folder}: changed owner, owner_team"


def test_audiences_owners_and_teams_survive_export_and_import_byte_for_byte(teams_folder, alice, bob, tmp_path):
    _replace("guarantee.md", "order: 2", "order: 2\nowner: bob")(teams_folder)
    _replace("complaints/handling-complaints.md", "channels:", "owner: night-shift\nchannels:")(teams_folder)
    run_import(teams_folder, "--publish")
    Team.objects.create(slug="unused", name="Named by no entry")
    run_export("test-manual", tmp_path / "first")
    first = tree(tmp_path / "first")
    assert (
        first["manual.yml"]
        .decode()
        .endswith(
            "teams:\n- slug: chat-support\n  name: Chat support\n- slug: night-shift\n  name: Night shift\n"
            "- slug: phone-support\n  name: Phone support\n"
        )
    )
    assert (
        b"channels: [phone, email]\naudience: [chat-support, phone-support]\nowner: Returns team\n"
        in (first["refund-policy.md"])
    )
    assert b"audience: [chat-support]\nowner: bob\n" in first["guarantee.md"]
    assert b"channels: [chat]\nowner: night-shift\n" in first["handling-complaints.md"]
    wipe_manuals()
    Team.objects.all().delete()

    run_import(tmp_path / "first", "--publish")
    run_export("test-manual", tmp_path / "second")

    assert tree(tmp_path / "second") == first
    assert Entry.objects.get(slug="handling-complaints").owner_team.name == "Night shift"


def test_an_export_without_audiences_or_team_owners_lists_no_teams(folder, alice, tmp_path):
    Team.objects.create(slug="phone-support", name="Phone support")
    run_import(folder, "--publish")

    run_export("test-manual", tmp_path / "out")

    assert b"teams" not in (tmp_path / "out" / "manual.yml").read_bytes()
    assert b"audience" not in (tmp_path / "out" / "refund-policy.md").read_bytes()


# Who imports ---------------------------------------------------------------------------------------------------


def test_an_unknown_user_is_refused(folder, alice):
    with pytest.raises(CommandError, match=r"No user named 'nobody'"):
        run_import(folder, user="nobody")
    assert not Manual.objects.exists()


def test_an_editor_cannot_import(folder, bob):
    with pytest.raises(CommandError, match=r"The user 'bob' cannot import: importing needs permission to manage"):
        run_import(folder, user="bob")
    assert not Manual.objects.exists()


def test_without_user_the_first_superuser_is_the_author(folder, admin_user, alice):
    out = run_import(folder, "--publish", user=None)

    assert "Recording the import as 'root'" in out
    assert Entry.objects.get(slug="guarantee").history.first().history_user == admin_user


def test_without_user_and_without_a_superuser_the_import_is_refused(folder, alice):
    with pytest.raises(CommandError, match=r"No --user given and there is no superuser"):
        run_import(folder, user=None)


# Export --------------------------------------------------------------------------------------------------------


def test_export_import_export_of_a_small_folder_gives_identical_files(folder, alice, tmp_path):
    run_import(folder, "--publish")
    run_export("test-manual", tmp_path / "first")
    wipe_manuals()

    run_import(tmp_path / "first", "--publish")
    run_export("test-manual", tmp_path / "second")

    first = tree(tmp_path / "first")
    assert first == tree(tmp_path / "second")
    assert sorted(first) == ["guarantee.md", "handling-complaints.md", "manual.yml", "refund-policy.md"]
    assert first["guarantee.md"].decode() == (
        "---\ntitle: Gear guarantee\nslug: guarantee\nkind: policy\nsection: policies\norder: 2\nchannels: []\n"
        "review_every_months: 12\n---\n\nTwo years for faults.\n"
    )


def test_export_import_export_of_entries_written_in_the_app_gives_identical_files(make_entry, manual, alice, tmp_path):
    services.manual_save(manual=manual, user=alice, data={"mission": "Line one  \nLine two\r\n\ttabbed"})
    make_entry("refund-policy", title="Refunds: the rules", body="Para one\r\n\r\n> quoted\r\n", channels=["chat"])
    make_entry("odd", summary='She said "no" # not a comment', owner="Team: returns", effective_date="2026-03-01")
    make_entry("draft-only", published=False)
    run_export("service", tmp_path / "first")
    wipe_manuals()

    run_import(tmp_path / "first", "--publish")
    run_export("service", tmp_path / "second")

    assert tree(tmp_path / "first") == tree(tmp_path / "second")
    assert "draft-only.md" not in tree(tmp_path / "first")


def test_the_demo_manual_survives_export_and_import_byte_for_byte(db, settings, tmp_path):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    run_export("northwind", tmp_path / "first")
    # The demo folder is written in the export's own form, and the export carries the published text.
    assert tree(tmp_path / "first") == tree(DEMO)
    wipe_manuals()

    run_import(tmp_path / "first", "--publish", user="admin")
    run_export("northwind", tmp_path / "second")

    assert tree(tmp_path / "first") == tree(tmp_path / "second")


def test_export_writes_published_text_not_drafts_nor_retired_entries(make_entry, alice, bob, tmp_path):
    refund = make_entry("refund-policy", body="Published text.")
    services.entry_save_draft(entry=refund, manual=refund.manual, user=bob, data={"body": "Draft text."})
    retired = make_entry("old-policy")
    services.entry_retire(entry=retired, user=alice, reason="Replaced")
    make_entry("never-published", published=False)

    run_export("service", tmp_path / "out")

    files = tree(tmp_path / "out")
    assert sorted(files) == ["manual.yml", "refund-policy.md"]
    assert files["refund-policy.md"].endswith(b"\nPublished text.\n")


def test_a_pending_slug_change_survives_export_and_reimport(make_entry, alice, bob, tmp_path):
    refund = make_entry("refund-policy", body="Published text.")
    services.entry_save_draft(
        entry=refund, manual=refund.manual, user=bob, data={"slug": "refunds", "body": "Draft text."}
    )
    run_export("service", tmp_path / "out")
    before = db_state()

    run_import(tmp_path / "out", "--publish")

    text = (tmp_path / "out" / "refunds.md").read_text(encoding="utf-8")
    assert "slug: refunds\n" in text and text.endswith("\nPublished text.\n")
    assert db_state() == before


def test_export_of_drafts_writes_the_working_copies(make_entry, bob, tmp_path):
    refund = make_entry("refund-policy", body="Published text.")
    services.entry_save_draft(entry=refund, manual=refund.manual, user=bob, data={"body": "Draft text."})
    make_entry("never-published", published=False)

    run_export("service", tmp_path / "out", "--drafts")

    files = tree(tmp_path / "out")
    assert sorted(files) == ["manual.yml", "never-published.md", "refund-policy.md"]
    assert files["refund-policy.md"].endswith(b"\nDraft text.\n")


def test_export_into_an_earlier_export_replaces_it(make_entry, alice, tmp_path):
    make_entry("refund-policy")
    old = make_entry("old-policy")
    run_export("service", tmp_path / "out")
    services.entry_retire(entry=old, user=alice, reason="Replaced")

    out = run_export("service", tmp_path / "out")

    assert sorted(tree(tmp_path / "out")) == ["manual.yml", "refund-policy.md"]
    assert "old-policy.md" in out


def test_export_refuses_a_folder_that_is_not_an_export(make_entry, tmp_path):
    make_entry("refund-policy")
    write_files(tmp_path / "out", {"notes.txt": "mine"})

    with pytest.raises(CommandError, match=r"is not empty and holds no manual\.yml"):
        run_export("service", tmp_path / "out")
    assert tree(tmp_path / "out") == {"notes.txt": b"mine"}


def test_export_of_an_unknown_manual_is_refused(manual, tmp_path):
    with pytest.raises(CommandError, match=r"No manual with the slug 'nope' \(manuals: service\)"):
        run_export("nope", tmp_path / "out")


def test_html_export_contains_every_published_title(folder, alice, tmp_path):
    run_import(folder, "--publish")

    run_export("test-manual", tmp_path / "manual.html", "--format", "html")

    html = (tmp_path / "manual.html").read_text(encoding="utf-8")
    assert "<html" in html
    for title in ("Refund policy", "Gear guarantee", "Handling complaints"):
        assert title in html


def test_pdf_export_writes_a_pdf(folder, alice, tmp_path):
    run_import(folder, "--publish")

    run_export("test-manual", tmp_path / "manual.pdf", "--format", "pdf")

    assert (tmp_path / "manual.pdf").read_bytes().startswith(b"%PDF")


# The demo ------------------------------------------------------------------------------------------------------


def test_the_demo_folder_reads_cleanly_and_is_the_size_of_a_real_manual():
    plan = read_manual_folder(DEMO)

    assert plan.title and plan.organisation == "Northwind Outfitters"
    assert 18 <= len(plan.entries) <= 24
    slugs = {e.slug for e in plan.entries}
    for entry in plan.entries:
        assert 150 <= len(entry.body.split()) <= 500, entry.file
        for target in re.findall(r"\]\(([^)]+)\.md\)", entry.body):
            assert target in slugs, f"{entry.file} links to {target}.md"
    assert {c for e in plan.entries for c in e.channels} == {
        "in-person", "phone", "video", "written", "email", "chat", "social",
    }  # fmt: skip
