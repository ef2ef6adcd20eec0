"""Reading views. Thin: check access, call a selector, render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..rendering import document, pdf
from ..rendering.markdown import resolve_entry_links


@require_GET
@login_required
def manual_list(request: HttpRequest) -> HttpResponse:
    return render(request, "policies/manual_list.html", {"manuals": selectors.manual_list()})


@require_GET
@login_required
def manual_home(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = selectors.manual_get(manual)
    snapshot = selectors.manual_snapshot(manual_obj)
    snapshot.with_html(snapshot.page_urls())
    return render(request, "policies/manual_home.html", {"manual": manual_obj, "snapshot": snapshot})


@require_GET
@login_required
def entry_detail(request: HttpRequest, manual: str, entry: str) -> HttpResponse:
    manual_obj = selectors.manual_get(manual)
    snapshot = selectors.manual_snapshot(manual_obj)
    entry_obj, version = selectors.live_entry(manual_obj, entry)
    version.html = resolve_entry_links(version.body_html, snapshot.page_urls())
    return render(
        request,
        "policies/entry_detail.html",
        {"manual": manual_obj, "snapshot": snapshot, "entry": entry_obj, "version": version},
    )


@require_GET
@login_required
def manual_print(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = selectors.manual_get(manual)
    snapshot = selectors.manual_snapshot(manual_obj)
    return HttpResponse(document.render_manual_html(snapshot, for_pdf=False))


@require_GET
@login_required
def manual_pdf(request: HttpRequest, manual: str) -> HttpResponse:
    manual_obj = selectors.manual_get(manual)
    data = pdf.manual_pdf(selectors.manual_snapshot(manual_obj))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{manual_obj.slug}.pdf"'
    return response
