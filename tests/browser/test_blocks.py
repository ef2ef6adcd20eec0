"""The repeated blocks of the questions, scripts and targets pages: "Add a ..." gives a new, empty, numbered block
that saves with the rest."""

from playwright.sync_api import expect

from policies.models import Entry


def test_adding_a_question_and_a_script_in_the_browser(live_server, sign_in, make_entry):
    make_entry("phone-protocol", kind="protocol", body="Answer within three rings.")
    base = f"{live_server.url}/manuals/service/phone-protocol"
    manager = sign_in("alice")

    manager.goto(base + "/questions/")
    manager.get_by_label("Question", exact=True).fill("How fast do we answer?")
    manager.get_by_label("Answer 1").fill("Three rings")
    manager.get_by_label("Answer 2").fill("Ten rings")
    manager.get_by_label("The right answer").select_option(label="Answer 1")
    manager.get_by_role("button", name="Add a question").click()
    second = manager.locator(".part-block").nth(1)
    expect(second.locator("legend")).to_have_text("Question 2")
    expect(second.locator("input[name=q-1-prompt]")).to_be_focused()
    expect(second.locator("input[name=q-1-prompt]")).to_have_value("")
    second.locator("input[name=q-1-prompt]").fill("Who calls back?")
    second.locator("input[name=q-1-choice_1]").fill("You")
    second.locator("input[name=q-1-choice_2]").fill("The customer")
    second.locator("select[name=q-1-answer]").select_option(label="Answer 1")
    manager.get_by_role("button", name="Save questions in the draft").click()
    expect(manager.get_by_text("Questions saved in the draft.")).to_be_visible()

    manager.goto(base + "/scripts/")
    manager.get_by_role("button", name="Add a script").click()
    added = manager.locator(".part-block").nth(1)
    expect(added.locator("legend")).to_have_text("Script 2")
    for number, (situation, words) in enumerate([("Greeting", "Good morning."), ("Hold", "One moment.")]):
        block = manager.locator(".part-block").nth(number)
        block.get_by_label("Channel").select_option(label="Phone")
        block.get_by_label("Situation").fill(situation)
        block.get_by_label("Words").fill(words)
    manager.get_by_role("button", name="Save scripts in the draft").click()
    expect(manager.get_by_text("Scripts saved in the draft.")).to_be_visible()

    entry = Entry.objects.get(slug="phone-protocol")
    assert [q["prompt"] for q in entry.questions] == ["How fast do we answer?", "Who calls back?"]
    scripts = [(s["situation"], s["text"]) for s in entry.scripts]
    assert scripts == [("Greeting", "Good morning."), ("Hold", "One moment.")]
