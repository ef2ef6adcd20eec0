"""Acknowledgements' share of the periodic work (``periodic.work``): reminders as acknowledgements fall due."""

from django.dispatch import receiver

from periodic.work import periodic_work

from .reminders import ack_reminders_queue


@receiver(periodic_work, dispatch_uid="acknowledgements.reminders")
def reminders(sender, *, now, **kwargs) -> str:
    made = ack_reminders_queue()
    return f"{made} acknowledgement reminder{'s' if made != 1 else ''} made"
