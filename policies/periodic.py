"""The manual's share of the periodic work (``periodic.work``): versions whose day has come go live, stored PDFs
nobody will be served again are deleted."""

from django.conf import settings
from django.dispatch import receiver

from periodic.work import periodic_work

from .pdfs import pdf_prune
from .services.publishing import versions_take_effect


@receiver(periodic_work, dispatch_uid="policies.versions_take_effect")
def take_effect(sender, *, now, **kwargs) -> str:
    count = len(versions_take_effect(now=now))
    return f"{count} version{'s' if count != 1 else ''} took effect"


@receiver(periodic_work, dispatch_uid="policies.prune_pdfs")
def prune_pdfs(sender, *, now, **kwargs) -> str:
    count = pdf_prune(older_than_days=settings.STORED_PDF_RETENTION_DAYS)
    return f"{count} stored PDF{'s' if count != 1 else ''} deleted"
