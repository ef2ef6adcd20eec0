"""Stored PDFs: made once, in the background for big manuals, and served again until their content changes.

``pdf_request`` is the one way to ask for a PDF. It names the PDF by a key built from what it shows, so
simultaneous requests for the same PDF find one row and start one job. ``pdf_make`` renders a row's PDF in a
child process with a time and memory limit; the ``make_pdf`` task runs it on a worker.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime, timedelta
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task
from pypdf import PdfReader

from . import selectors
from .models import Edition, Manual, PDFKind, PDFStatus, StoredPDF
from .permissions import can_make_packet_for, require
from .rendering.document import LAYOUT_VERSION, render_manual_html
from .rendering.pdf import PDFRenderError, render_in_subprocess


def _key(manual: Manual, kind: str, params: dict, edition: Edition | None) -> str:
    if kind == PDFKind.EDITION:
        basis = f"edition:{edition.pk}"
    elif kind == PDFKind.AS_OF:
        basis = f"as_of:{manual.pk}:{params['as_of']}"
    else:
        basis = f"{kind}:{manual.pk}:{manual.content_changed_at.isoformat()}"
    extra = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    return f"{basis}:{extra}:layout{LAYOUT_VERSION}"


def _stale_running(pdf: StoredPDF) -> bool:
    """A job that has run far past the render time limit died with its worker; it may be started again."""
    limit = timedelta(seconds=settings.PDF_RENDER_TIMEOUT_SECONDS * 2 + 60)
    started = pdf.started_at or pdf.created_at
    return pdf.status in (PDFStatus.QUEUED, PDFStatus.RUNNING) and timezone.now() - started > limit


def pdf_request(
    *,
    manual: Manual,
    user,
    kind: str = PDFKind.LIVE,
    edition: Edition | None = None,
    params: dict | None = None,
    background: bool | None = None,
) -> StoredPDF:
    """The stored PDF for this manual, edition, date or onboarding choice; starts making it if needed.

    Small manuals are made at once, in this request; big ones (more entries than
    ``settings.PDF_BACKGROUND_THRESHOLD``) on a worker, and the caller shows progress. Whoever asks is recorded
    among its requesters: the file is shared, and who may open it follows the person asking.
    """
    pdf = _find_or_start(
        manual=manual, user=user, kind=kind, edition=edition, params=params or {}, background=background
    )
    if user is not None and user.is_authenticated:
        pdf.requesters.add(user)
    return pdf


PACKET_FOR_SOMEONE_ELSE = "Only managers make onboarding packets for other people; you may make one for yourself."


def packet_request(*, manual: Manual, user, role: str, sections: list[str], person=None) -> StoredPDF:
    """The onboarding packet of ``sections`` for a new hire's ``role``, naming ``person`` on its cover and
    sign-off page when given; ``person`` may then open it and sign it. A reader may name only themselves
    (``can_make_packet_for``)."""
    require(can_make_packet_for(user, person), PACKET_FOR_SOMEONE_ELSE)
    params = {"role": role.strip(), "sections": list(sections)}
    if person is not None:
        params |= {"person": person.pk, "name": person.get_full_name() or person.username}
    pdf = pdf_request(manual=manual, user=user, kind=PDFKind.ONBOARDING, params=params)
    if person is not None:
        pdf.requesters.add(person)  # the packet is theirs: they may open it and sign it
    return pdf


def _find_or_start(*, manual, user, kind, edition, params, background) -> StoredPDF:
    key = _key(manual, kind, params, edition)
    pdf = StoredPDF.objects.filter(key=key).first()
    if pdf is None:
        try:
            with transaction.atomic():
                pdf = StoredPDF.objects.create(
                    manual=manual, edition=edition, kind=kind, key=key, params=params, requested_by=user
                )
        except IntegrityError:
            return StoredPDF.objects.get(key=key)  # someone else asked first: theirs is the one job
    elif pdf.status == PDFStatus.DONE and pdf.file:
        return pdf
    elif pdf.status == PDFStatus.FAILED or _stale_running(pdf):
        with transaction.atomic():
            claimed = StoredPDF.objects.select_for_update().get(pk=pdf.pk)
            if claimed.status != PDFStatus.FAILED and not _stale_running(claimed):
                return claimed
            claimed.status, claimed.error, claimed.progress, claimed.stage = PDFStatus.QUEUED, "", 0, ""
            claimed.started_at = None
            claimed.save()
            pdf = claimed
    else:
        return pdf  # queued or being made by another request
    if background is None:
        background = _entry_count(pdf) > settings.PDF_BACKGROUND_THRESHOLD
    if background:
        make_pdf.enqueue(pdf.pk)
    else:
        pdf_make(pdf_id=pdf.pk)
    pdf.refresh_from_db()
    return pdf


def _entry_count(pdf: StoredPDF) -> int:
    if pdf.kind == PDFKind.EDITION:
        return pdf.edition.items.count()
    return pdf.manual.entries.count()


def _progress(pdf: StoredPDF, percent: int, stage: str, **fields) -> None:
    pdf.progress, pdf.stage = percent, stage
    for name, value in fields.items():
        setattr(pdf, name, value)
    pdf.save(update_fields=["progress", "stage", *fields])


def pdf_snapshot(pdf: StoredPDF) -> tuple[selectors.ManualSnapshot, dict]:
    """What a stored PDF shows, and the extra options of its document (onboarding role, sign-off page)."""
    if pdf.kind == PDFKind.EDITION:
        return selectors.edition_snapshot(pdf.edition), {}
    if pdf.kind == PDFKind.AS_OF:
        when = datetime.fromisoformat(pdf.params["as_of"])
        snapshot = selectors.manual_snapshot_as_of(pdf.manual, when)
        return snapshot, {"title_suffix": f" (as of {selectors.format_as_of(when)})"}
    snapshot = selectors.manual_snapshot(pdf.manual)
    if pdf.kind == PDFKind.ONBOARDING:
        chosen = set(pdf.params.get("sections", []))
        snapshot = replace(snapshot, sections=tuple(s for s in snapshot.sections if s.slug in chosen))
        return snapshot, {"role": pdf.params.get("role", ""), "name": pdf.params.get("name", ""), "signoff": True}
    return snapshot, {}


def _expected_pages(pdf: StoredPDF, entries: int) -> int:
    """About how many pages the PDF will have, for the progress bar: the cover, contents and section openings,
    and about 1.8 pages an entry (what the layout gives for entries of a few hundred words)."""
    return max(int(entries * 1.8) + 4, 5)


def pdf_make(*, pdf_id: int) -> StoredPDF:
    """Render a stored PDF's document and keep the file. A failure is recorded with a clear message."""
    pdf = StoredPDF.objects.select_related("manual", "edition").get(pk=pdf_id)
    if pdf.status == PDFStatus.DONE and pdf.file:
        return pdf
    _progress(pdf, 5, "Gathering the published text", status=PDFStatus.RUNNING, started_at=timezone.now())
    try:
        snapshot, options = pdf_snapshot(pdf)
        html = render_manual_html(snapshot, for_pdf=True, **options)
        expected = _expected_pages(pdf, snapshot.entry_count)
        _progress(pdf, 10, "Laying out the pages")

        def on_progress(stage: str, page: int) -> None:
            if stage == "layout":
                share = min(page / expected, 0.97)
                _progress(pdf, 10 + int(80 * share), f"Laying out page {page} of about {max(expected, page)}")
            else:
                _progress(pdf, 92, "Writing the file")

        data = render_in_subprocess(
            html,
            timeout=settings.PDF_RENDER_TIMEOUT_SECONDS,
            memory_mb=settings.PDF_RENDER_MEMORY_MB,
            on_progress=on_progress,
        )
    except PDFRenderError as exc:
        _progress(pdf, 0, "Failed", status=PDFStatus.FAILED, error=str(exc), finished_at=timezone.now())
        return pdf
    _progress(pdf, 95, "Saving")
    name = f"{pdf.manual.slug}-{pdf.kind}-{pdf.pk}.pdf"
    pdf.file.save(name, ContentFile(data), save=False)
    pdf.size = len(data)
    pdf.pages = len(PdfReader(BytesIO(data)).pages)
    _progress(pdf, 100, "Ready", status=PDFStatus.DONE, file=pdf.file, size=pdf.size, pages=pdf.pages,
              finished_at=timezone.now())  # fmt: skip
    return pdf


@task()
def make_pdf(pdf_id: int) -> None:
    """``pdf_make`` on the background worker (``manage.py db_worker``), for PDFs too big to make in a request."""
    pdf_make(pdf_id=pdf_id)


def pdf_prune(*, older_than_days: int = 30) -> int:
    """Delete stored PDFs nobody will be served again: superseded live PDFs, and past-view and onboarding PDFs
    made more than ``older_than_days`` ago. Edition PDFs and each manual's newest live PDF are kept.
    Returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    newest_live = {
        manual_id: pk
        for pk, manual_id in StoredPDF.objects.filter(kind=PDFKind.LIVE, status=PDFStatus.DONE)
        .order_by("manual_id", "created_at")
        .values_list("pk", "manual_id")
    }
    doomed = StoredPDF.objects.filter(kind__in=[PDFKind.LIVE, PDFKind.AS_OF, PDFKind.ONBOARDING], created_at__lt=cutoff)
    doomed = doomed.exclude(pk__in=newest_live.values()).exclude(status__in=[PDFStatus.QUEUED, PDFStatus.RUNNING])
    count = 0
    for pdf in doomed:
        if pdf.file:
            pdf.file.delete(save=False)
        pdf.delete()
        count += 1
    return count
