"""People and teams: who works in customer service, in which teams, and how they want to be told things.

A person is a Django user; their role (agent, editor, manager) is a group, as before. ``Profile`` adds what the
manual needs to know about them: their teams and their notification choice. Teams are installation-wide.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Team(models.Model):
    """A group of people an entry can apply to: Phone support, Chat support, Store staff, Supervisors."""

    name = models.CharField(max_length=100)
    # The slug names the team in entries' audiences and in import files, so it does not change once made.
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NotifyBy(models.TextChoices):
    IMMEDIATE = "immediate", "An email for each notification"
    DAILY = "daily", "One email a day with everything new"
    NONE = "none", "No emails (notifications stay in the app)"


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    notify_by = models.CharField(max_length=20, choices=NotifyBy.choices, default=NotifyBy.IMMEDIATE)
    # When the person last opened their home page: "what changed since your last visit" starts here.
    last_seen_home_at = models.DateTimeField(null=True, blank=True)
    # Where "changed since your last visit" starts: the visit before this one (visits within half an hour of
    # each other count as one).
    home_changes_from = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_seen_home_at", "home_changes_from"], m2m_fields=[teams])

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("people:person_edit", kwargs={"username": self.user.username})
