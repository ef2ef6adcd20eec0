"""A few multiple-choice questions, versioned with the entry, that readers answer correctly to acknowledge."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from acknowledgements import services as ack_services
from acknowledgements.models import Acknowledgement, QuizAttempt
from policies import services

from .conftest import publish

QUESTIONS = [
    {"prompt": "How long is the refund window?", "choices": ["14 days", "30 days", "90 days"], "answer": 1},
    {"prompt": "Is a receipt needed?", "choices": ["Yes", "No"], "answer": 0},
]


@pytest.fixture
def quizzed(make_entry, alice, mallory):
    """A published entry with two questions, added by a manager and approved by another."""
    entry = make_entry()
    services.entry_save_draft(entry=entry, manual=entry.manual, user=alice, data={"questions": QUESTIONS})
    publish(entry, author=alice, approver=mallory, summary="Added a comprehension check")
    entry.refresh_from_db()
    return entry


def test_questions_are_versioned_with_the_entry(quizzed):
    assert quizzed.live_version.number == 2 and quizzed.live_version.questions == QUESTIONS
    assert quizzed.versions.get(number=1).questions == []


def test_editors_cannot_change_the_questions(make_entry, bob):
    entry = make_entry()
    with pytest.raises(PermissionDenied):
        services.entry_save_draft(entry=entry, manual=entry.manual, user=bob, data={"questions": QUESTIONS})


def test_a_malformed_question_is_refused_with_its_number(make_entry, alice):
    entry = make_entry()
    bad = [QUESTIONS[0], {"prompt": "Pick one", "choices": ["Only one"], "answer": 0}]
    with pytest.raises(ValidationError, match="Question 2 needs two to six answers"):
        services.entry_save_draft(entry=entry, manual=entry.manual, user=alice, data={"questions": bad})


def test_wrong_answers_name_the_questions_to_reread_and_every_attempt_is_recorded(quizzed, carol):
    with pytest.raises(ack_services.WrongAnswers) as caught:
        ack_services.entry_acknowledge(entry=quizzed, user=carol, answers=[0, 0])
    assert caught.value.wrong == [1] and "question 1" in caught.value.messages[0]
    assert not Acknowledgement.objects.exists()
    ack_services.entry_acknowledge(entry=quizzed, user=carol, answers=[1, 0])
    assert Acknowledgement.objects.get().version.number == 2
    attempts = list(QuizAttempt.objects.order_by("attempted_at").values_list("passed", "wrong"))
    assert attempts == [(False, [1]), (True, [])]


def test_unanswered_questions_count_as_wrong(quizzed, carol):
    with pytest.raises(ack_services.WrongAnswers) as caught:
        ack_services.entry_acknowledge(entry=quizzed, user=carol, answers=[1])
    assert caught.value.wrong == [2]


def test_the_entry_page_asks_the_questions_and_marks_the_wrong_ones(client, quizzed, carol):
    client.force_login(carol)
    url = f"/manuals/service/{quizzed.slug}/"
    page = client.get(url).content.decode()
    assert "How long is the refund window?" in page and 'name="q1"' in page
    response = client.post(url + "acknowledge/", {"version": "2", "q1": "2", "q2": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "reread the entry for question 1" in page
    assert 'class="quiz-question wrong"' in page and 'value="2" checked' in page  # their answer is kept
    response = client.post(url + "acknowledge/", {"version": "2", "q1": "1", "q2": "0"}, follow=True)
    assert "You acknowledged version 2" in response.content.decode()


def test_a_manager_writes_questions_in_the_browser_and_they_go_through_review(client, make_entry, alice):
    entry = make_entry()
    client.force_login(alice)
    url = f"/manuals/service/{entry.slug}/questions/"
    form = {
        "q-TOTAL_FORMS": "1", "q-INITIAL_FORMS": "0", "lock_version": entry.lock_version,
        "q-0-prompt": "Who pays return postage?", "q-0-choice_1": "The customer", "q-0-choice_2": "We do",
        "q-0-answer": "2",
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.questions == [
        {"prompt": "Who pays return postage?", "choices": ["The customer", "We do"], "answer": 1}
    ]
    assert entry.status == "draft" and entry.live_version.questions == []  # readers wait for the review
    response = client.post(url, {**form, "q-0-answer": "3", "lock_version": entry.lock_version})
    assert response.status_code == 400 and "Choose which answer is right" in response.content.decode()


def test_agents_and_editors_cannot_open_the_questions_page(client, make_entry, bob, carol):
    entry = make_entry()
    for user in (bob, carol):
        client.force_login(user)
        assert client.get(f"/manuals/service/{entry.slug}/questions/").status_code == 403


def test_the_message_names_every_question_to_reread(quizzed, carol):
    with pytest.raises(ack_services.WrongAnswers) as caught:
        ack_services.entry_acknowledge(entry=quizzed, user=carol, answers=[0, 1])
    assert caught.value.messages == ["Not yet: reread the entry for questions 1, 2, then try again."]
    assert caught.value.code == "wrong_answers"
    with pytest.raises(ack_services.WrongAnswers) as caught:
        ack_services.entry_acknowledge(entry=quizzed, user=carol, answers=[1, 1])
    assert caught.value.messages == ["Not yet: reread the entry for question 2, then try again."]


def test_each_attempt_is_in_the_history_under_the_person_who_answered(quizzed, carol):
    with pytest.raises(ack_services.WrongAnswers):
        ack_services.entry_acknowledge(entry=quizzed, user=carol, answers=[0, "x"])
    attempt = QuizAttempt.objects.get()
    assert attempt.answers == [0, None]  # what is not a choice is kept as no answer
    record = attempt.history.get()
    assert (record.history_user, record.history_change_reason) == (carol, "Answered the comprehension check")
