"""Search's share of the periodic work (``periodic.work``): failed searches older than the retention setting go."""

from datetime import timedelta

from django.conf import settings
from django.dispatch import receiver

from periodic.work import periodic_work

from .models import SearchLog


@receiver(periodic_work, dispatch_uid="search.prune_search_log")
def prune_search_log(sender, *, now, **kwargs) -> str:
    days = settings.SEARCH_LOG_RETENTION_DAYS
    if days <= 0:
        return ""
    count, _ = SearchLog.objects.filter(created_at__lt=now - timedelta(days=days)).delete()
    return f"{count} search record{'s' if count != 1 else ''} older than {days} days deleted"
