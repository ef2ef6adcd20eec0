"""The review screen suggests whether a change is material (readers acknowledge it again) or minor, from what
changed, says why beside the box, and leaves the decision to the reviewer."""

import re

import pytest
from django.urls import reverse

from policies import services
from policies.materiality import is_typo_size
from policies.models import EntryVersion

from .conftest import shown

GREETING = {"channel": "phone", "situation": "Greeting", "text": "Good morning, Northwind, Sam here."}
HOLD = {"channel": "phone", "situation": "Hold", "text": "May I put you on hold for two minutes?"}


@pytest.fixture
def protocol(make_entry):
    return make_entry(
        "phone-protocol", kind="protocol", channels=["phone"], body="Answer within three rings.", scripts=[GREETING]
    )


def _submit(entry, user, **data):
    services.entry_save_draft(entry=entry, manual=entry.manual, user=user, data=data)
    services.entry_submit(entry=entry, user=user)


def _review(client, entry) -> str:
    return client.get(reverse("policies:entry_review", args=[entry.manual.slug, entry.slug])).content.decode()


def _box_ticked(page: str) -> bool:
    box = re.search(r'<input type="checkbox" name="is_material"[^>]*>', page).group(0)
    return " checked" in box


def test_a_script_added_alone_is_suggested_minor_and_left_unticked(client, protocol, bob, alice):
    _submit(protocol, bob, scripts=[GREETING, HOLD])
    client.force_login(alice)
    page = _review(client, protocol)
    assert "Suggested: minor — only a script was added" in page
    assert not _box_ticked(page)


def test_a_change_to_the_rules_text_is_suggested_material_and_ticked(client, protocol, bob, alice):
    _submit(protocol, bob, body="Answer within two rings.", scripts=[GREETING, HOLD])
    client.force_login(alice)
    page = _review(client, protocol)
    assert "Suggested: material — the rules text changed" in page
    assert _box_ticked(page)


@pytest.mark.parametrize(
    ("data", "suggestion"),
    [
        ({"body": "Answer withn three rings."}, "minor — only typo-size edits to the text"),
        ({"body": "Answer within 3 rings."}, "material — the rules text changed"),
        ({"body": "Answer within three rings, always."}, "material — the rules text changed"),
        ({"summary": "When to pick up."}, "minor — only the summary changed"),
        ({"title": "Answering the phone"}, "material — the title changed"),
        ({"scripts": [{**GREETING, "text": "Hello."}]}, "material — a script was changed or removed"),
    ],
)
def test_the_suggestion_follows_what_changed(client, protocol, bob, alice, data, suggestion):
    _submit(protocol, bob, **data)
    client.force_login(alice)
    assert f"Suggested: {suggestion}" in _review(client, protocol)


def test_the_reviewer_decides_against_the_suggestion(client, protocol, bob, alice):
    _submit(protocol, bob, scripts=[GREETING, HOLD])
    client.force_login(alice)
    client.post(
        reverse("policies:entry_approve", args=[protocol.manual.slug, protocol.slug]),
        {"reviewed_lock_version": shown(protocol), "change_summary": "Hold script", "is_material": "on"},
    )
    assert EntryVersion.objects.get(entry=protocol, number=2).is_material


@pytest.mark.parametrize(
    ("old", "new", "typo"),
    [
        ("We recieve returns.", "We receive returns.", True),
        ("We receive returns", "We receive returns.", True),
        ("You can refund it.", "You can't refund it.", False),
        ("Refund within 30 days.", "Refund within 60 days.", False),
        ("Refund the customer.", "Refund the customer at once.", False),
    ],
)
def test_typo_size_edits_are_spellings_punctuation_and_spacing_only(old, new, typo):
    assert is_typo_size(old, new) is typo
