"""Signing in and resetting a forgotten password by email."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail


@pytest.fixture
def dave(db):
    """An agent who forgot their password."""
    return User.objects.create_user(username="dave", email="dave@example.com", password="old-password-1")


def test_the_login_page_links_to_the_password_reset_form(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert '<a href="/accounts/password_reset/">Forgot your password?</a>' in html
    form = client.get("/accounts/password_reset/").content.decode()
    assert "Reset your password" in form and 'name="email"' in form


def test_a_password_reset_emails_a_link_that_sets_a_new_password(client, dave):
    response = client.post("/accounts/password_reset/", {"email": "dave@example.com"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dave@example.com"]
    assert message.subject == "Reset your Policy Manual password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    assert "Hello dave" in message.body

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fresh-start-2026", "new_password2": "a-fresh-start-2026"},
        follow=True,
    )
    assert "Password changed" in done.content.decode()
    assert client.login(username="dave", password="a-fresh-start-2026")
    assert "This link no longer works" in client.get(link, follow=True).content.decode()


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, dave):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []
