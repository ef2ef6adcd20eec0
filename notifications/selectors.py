"""Reads about notifications and about who should get them."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def latest_for(user, limit: int = 10) -> list[Notification]:
    """The person's newest notifications, for their home page. One query."""
    return list(for_user(user)[:limit])


def for_user(user) -> QuerySet[Notification]:
    """Everything sent to ``user``, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """How many of the person's notifications they have not read. One COUNT on the (user, read_at) index."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
