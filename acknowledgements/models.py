"""Acknowledgements: a person confirms they have read a published version and will follow it.

The tables keep the names they were created with when these models lived in ``policies``, so moving the models
into this app moved no rows."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from policies.models import Entry, EntryVersion


class AckSource(models.TextChoices):
    ENTRY = "entry", "On the entry's page"
    ONBOARDING = "onboarding", "Signing the onboarding packet"


class Acknowledgement(models.Model):
    """Who acknowledged which version of which entry, and when. Never changed after it is made.

    Acknowledging version 3 covers every later minor fix: what a person must have acknowledged is the entry's
    ``ack_version`` or any later version.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acknowledgements")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="acknowledgements")
    version = models.ForeignKey(EntryVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, choices=AckSource.choices, default=AckSource.ENTRY)

    history = HistoricalRecords(table_name="policies_historicalacknowledgement")

    class Meta:
        db_table = "policies_acknowledgement"
        ordering = ["-acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="ack_once_per_version")]
        indexes = [models.Index(fields=["entry", "user"], name="ack_entry_user")]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.version}"


class QuizAttempt(models.Model):
    """One try at an entry's comprehension check, right or wrong. Kept as a record; never changed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="quiz_attempts")
    version = models.ForeignKey(EntryVersion, on_delete=models.PROTECT, related_name="quiz_attempts")
    answers = models.JSONField(default=list)  # the chosen index per question (None where unanswered)
    wrong = models.JSONField(default=list)  # question numbers (from 1) answered wrongly or not at all
    passed = models.BooleanField(default=False)
    attempted_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(table_name="policies_historicalquizattempt")

    class Meta:
        db_table = "policies_quizattempt"
        ordering = ["-attempted_at"]
        indexes = [models.Index(fields=["user", "entry"], name="quiz_user_entry")]

    def __str__(self) -> str:
        return f"{self.user} on {self.version}: {'passed' if self.passed else 'to reread'}"
