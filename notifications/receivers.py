"""Notifications in reaction to what happened to people (``people.events``, sent with the person's change).

The apps above make the notifications of their own concerns (publication, review, acknowledgements) through
``notifications.services``; this app only stores and delivers them.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from people import events as people_events

from . import services
from .tasks import deliver_notifications


@receiver(people_events.person_invited, dispatch_uid="notifications.person_invited")
def person_invited(sender, *, person, title, body, url, key, **kwargs) -> None:
    """The invitation is stored with the person's transaction; its email goes out once it commits. A delivery that
    fails is retried by the next run of the sender, so it never turns a saved person into an error page."""
    services.notify(user=person, kind="invitation", title=title, body=body, url=url, key=key)
    transaction.on_commit(deliver_notifications.enqueue, robust=True)
