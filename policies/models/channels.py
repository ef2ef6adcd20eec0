"""The ways customers reach an organisation: entries name the channels they apply to, and a manual the channels
its organisation serves."""

from django.core.exceptions import ValidationError
from django.db import models


class Channel(models.TextChoices):
    IN_PERSON = "in-person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    WRITTEN = "written", "Written letter"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat / text"
    SOCIAL = "social", "Social media"


CHANNEL_ORDER = [c.value for c in Channel]


def validate_channels(value):
    if not isinstance(value, list):
        raise ValidationError("Channels must be a list.")
    unknown = [v for v in value if v not in CHANNEL_ORDER]
    if unknown:
        raise ValidationError(
            "Unknown channel(s): %(unknown)s. Choose from %(known)s.",
            params={"unknown": ", ".join(map(str, unknown)), "known": ", ".join(CHANNEL_ORDER)},
        )
    if len(set(value)) != len(value):
        raise ValidationError("A channel is listed twice.")
