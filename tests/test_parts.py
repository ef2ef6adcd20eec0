"""A protocol's scripts and a standard's targets: checked, versioned with the entry, shown to readers, printed,
reviewed and carried by the files."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from policies import services
from policies.importexport import ManualImportError, read_manual_folder

from .conftest import publish

GREETING = {"channel": "phone", "situation": "Greeting", "text": "Good morning, Northwind, Sam here.\nHow can I help?"}
HOLD = {"channel": "phone", "situation": "Hold", "text": "May I put you on hold for two minutes?"}
MACRO = {"channel": "chat", "situation": "Macro: closing", "text": "Thanks for chatting with us <3 <script>x</script>"}
FIRST_REPLY = {"metric": "First reply", "channel": "email", "comparison": "within", "value": "4",
               "unit": "business hours", "period": "per month"}  # fmt: skip
CSAT = {"metric": "Customer satisfaction", "channel": "", "comparison": "at_least", "value": "90", "unit": "%",
        "period": "per month"}  # fmt: skip


def _url(name, entry):
    return reverse(f"policies:{name}", args=[entry.manual.slug, entry.slug])


@pytest.fixture
def protocol(make_entry):
    return make_entry("phone-protocol", kind="protocol", channels=["phone", "chat"], body="Answer within three rings.")


@pytest.fixture
def standard(make_entry):
    return make_entry("response-times", kind="standard", body="How fast we answer.")


@pytest.mark.parametrize(
    ("scripts", "message"),
    [
        ([{**GREETING, "channel": "fax"}], "Script 1: choose a channel"),
        ([GREETING, {**GREETING, "situation": "greeting", "text": "Hi"}], "already a “greeting” script"),
        ([{**HOLD, "text": "   "}], "Script 1 (Hold): write its words"),
        ([{"channel": "phone", "text": "x"}], "Script 1 needs a channel, a situation and its text."),
    ],
)
def test_scripts_are_refused_with_a_message_naming_the_script(protocol, bob, scripts, message):
    with pytest.raises(ValidationError) as refused:
        services.entry_save_draft(entry=protocol, manual=protocol.manual, user=bob, data={"scripts": scripts})
    assert message in " ".join(refused.value.messages)
    protocol.refresh_from_db()
    assert protocol.scripts == [] and not protocol.has_unpublished_changes


def test_targets_are_checked_and_stored_tidily(standard, bob):
    with pytest.raises(ValidationError) as refused:
        services.entry_save_draft(
            entry=standard, manual=standard.manual, user=bob, data={"targets": [{**FIRST_REPLY, "value": "soon"}]}
        )
    assert "Target 1 (First reply): the target value must be a number" in " ".join(refused.value.messages)
    services.entry_save_draft(
        entry=standard, manual=standard.manual, user=bob,
        data={"targets": [{**FIRST_REPLY, "value": " 4.0 ", "metric": "  First   reply "}]},
    )  # fmt: skip
    standard.refresh_from_db()
    assert standard.targets == [FIRST_REPLY]


def test_script_text_from_a_browser_loses_its_carriage_returns(protocol, bob):
    data = {"scripts": [{**GREETING, "text": GREETING["text"].replace("\n", "\r\n") + "  \r\n"}]}
    services.entry_save_draft(entry=protocol, manual=protocol.manual, user=bob, data=data)
    protocol.refresh_from_db()
    assert protocol.scripts == [GREETING]


def test_an_editor_adds_scripts_on_their_page_and_readers_see_them_once_published(client, protocol, bob, alice, carol):
    client.force_login(bob)
    form = {
        "s-TOTAL_FORMS": "3", "s-INITIAL_FORMS": "0", "lock_version": protocol.lock_version,
        "s-0-channel": "phone", "s-0-situation": "Greeting", "s-0-text": GREETING["text"],
        "s-1-channel": "chat", "s-1-situation": "Macro: closing", "s-1-text": MACRO["text"],
        "s-2-channel": "phone", "s-2-situation": "", "s-2-text": "",
    }  # fmt: skip
    response = client.post(_url("entry_scripts", protocol), form)
    assert response.status_code == 302
    protocol.refresh_from_db()
    assert protocol.scripts == [GREETING, MACRO]
    client.force_login(carol)
    assert "Good morning, Northwind" not in client.get(_url("entry_detail", protocol)).content.decode()

    publish(protocol, author=bob, approver=alice, summary="Scripts")

    page = client.get(_url("entry_detail", protocol)).content.decode()
    assert 'role="tab"' in page and '>Phone <span class="count">1</span>' in page
    assert "Good morning, Northwind, Sam here.<br>How can I help?" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert 'class="button small ghost copy-script"' in page


def test_a_script_block_half_filled_is_sent_back_with_the_field_to_fix(client, protocol, bob):
    client.force_login(bob)
    form = {"s-TOTAL_FORMS": "1", "s-INITIAL_FORMS": "0", "lock_version": protocol.lock_version,
            "s-0-channel": "phone", "s-0-situation": "Hold", "s-0-text": ""}  # fmt: skip
    response = client.post(_url("entry_scripts", protocol), form)
    assert response.status_code == 400
    assert "Write what the agent says or sends." in response.content.decode()
    protocol.refresh_from_db()
    assert protocol.scripts == []


def test_agents_cannot_open_the_parts_pages(client, protocol, standard, carol):
    client.force_login(carol)
    assert client.get(_url("entry_scripts", protocol)).status_code == 403
    assert client.get(_url("entry_targets", standard)).status_code == 403


def test_targets_show_as_a_table_on_the_page_and_in_print(client, standard, bob, alice, carol):
    client.force_login(bob)
    form = {
        "t-TOTAL_FORMS": "2", "t-INITIAL_FORMS": "0", "lock_version": standard.lock_version,
        **{f"t-0-{k}": v for k, v in FIRST_REPLY.items()}, **{f"t-1-{k}": v for k, v in CSAT.items()},
    }  # fmt: skip
    assert client.post(_url("entry_targets", standard), form).status_code == 302
    publish(standard, author=bob, approver=alice, summary="Targets")
    client.force_login(carol)

    page = client.get(_url("entry_detail", standard)).content.decode()
    assert '<td class="target-phrase" data-label="Target">within 4 business hours</td>' in page
    assert (
        '<td class="target-phrase" data-label="Target">at least 90%</td>' in page
        and '<td data-label="Channel">All channels</td>' in page
    )
    printed = client.get(reverse("policies:manual_print", args=[standard.manual.slug])).content.decode()
    assert "within 4 business hours" in printed and "<h3>Targets</h3>" in printed


def test_the_print_page_gives_each_channel_its_scripts(client, protocol, bob, alice, carol):
    data = {"scripts": [HOLD, MACRO, GREETING]}
    services.entry_save_draft(entry=protocol, manual=protocol.manual, user=bob, data=data)
    publish(protocol, author=bob, approver=alice)
    client.force_login(carol)
    printed = client.get(reverse("policies:manual_print", args=[protocol.manual.slug])).content.decode()
    phone, chat = printed.index("<h3>Scripts: Phone</h3>"), printed.index("<h3>Scripts: Chat / text</h3>")
    assert phone < printed.index("May I put you on hold") < printed.index("Good morning") < chat
    assert "Thanks for chatting with us &lt;3 &lt;script&gt;" in printed


def test_the_reviewer_sees_what_changed_in_scripts_and_targets(client, protocol, bob, alice):
    services.entry_save_draft(entry=protocol, manual=protocol.manual, user=bob, data={"scripts": [HOLD]})
    publish(protocol, author=bob, approver=alice)
    changed = {**HOLD, "text": "May I put you on hold for one minute?"}
    services.entry_save_draft(entry=protocol, manual=protocol.manual, user=bob, data={"scripts": [changed]})
    services.entry_submit(entry=protocol, user=bob)
    client.force_login(alice)
    page = client.get(_url("entry_review", protocol)).content.decode()
    assert "Scripts" in page and "<del>two</del>" in page and "<ins>one</ins>" in page


def test_scripts_and_targets_travel_in_the_files_and_back(protocol, standard, bob, alice, tmp_path):
    services.entry_save_draft(entry=protocol, manual=protocol.manual, user=bob, data={"scripts": [GREETING, MACRO]})
    publish(protocol, author=bob, approver=alice)
    services.entry_save_draft(entry=standard, manual=standard.manual, user=bob, data={"targets": [FIRST_REPLY, CSAT]})
    publish(standard, author=bob, approver=alice)
    call_command("export_manual", protocol.manual.slug, "--output", str(tmp_path / "a"), stdout=io.StringIO())

    text = (tmp_path / "a" / "response-times.md").read_text()
    assert "targets:\n- metric: First reply\n  channel: email\n  comparison: within\n  value: 4\n" in text
    assert "- metric: Customer satisfaction\n  comparison: at_least\n  value: 90\n  unit: '%'\n" in text
    plan = read_manual_folder(tmp_path / "a")
    assert plan.entry("phone-protocol").scripts == [GREETING, MACRO]
    assert plan.entry("response-times").targets == [FIRST_REPLY, CSAT]


def test_a_file_with_a_bad_target_is_refused_naming_the_file_and_line(tmp_path):
    (tmp_path / "manual.yml").write_text("title: M\nslug: m\nsections:\n- slug: s\n  title: S\n")
    (tmp_path / "times.md").write_text(
        "---\ntitle: Times\nsection: s\nkind: standard\ntargets:\n- metric: First reply\n  comparison: within\n"
        "  value: soon\n  unit: hours\n---\n\nText.\n"
    )
    with pytest.raises(ManualImportError) as refused:
        read_manual_folder(tmp_path)
    problem = refused.value.problems[0]
    assert problem.file == "times.md" and problem.line == 5
    assert "Target 1 (First reply): the target value must be a number" in problem.message
