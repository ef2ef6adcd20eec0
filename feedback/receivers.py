"""Feedback closed by the version that answers it, inside the publishing transaction (``version_going_live``):
if the publication rolls back, the items stay open."""

from django.dispatch import receiver

from policies import events

from . import selectors, services


@receiver(events.version_going_live, dispatch_uid="feedback.version_going_live")
def version_going_live(sender, *, entry, version, user, answers=(), **kwargs) -> None:
    if answers:
        items = selectors.feedback_chosen(entry=entry, ids=[str(pk) for pk in answers])
        services.feedback_close_with_version(items=items, version=version, user=user)
