"""The channel pages: what applies on the phone, by email, in chat... gathered from the whole manual."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import channels
from ..models import Channel
from .reading import reads_snapshot


@require_GET
@login_required
@reads_snapshot(bodies=False)
def channel_list(request: HttpRequest, manual, snapshot) -> HttpResponse:
    snapshot = snapshot.with_html(snapshot.page_urls(), bodies=False)
    context = {"manual": manual, "snapshot": snapshot, "summaries": channels.channel_summaries(snapshot)}
    return render(request, "policies/channel_list.html", context)


@require_GET
@login_required
@reads_snapshot(bodies=False)
def channel_detail(request: HttpRequest, manual, snapshot, channel: str) -> HttpResponse:
    if channel not in Channel.values:
        raise Http404("No such channel.")
    snapshot = snapshot.with_html(snapshot.page_urls(), bodies=False)
    context = {"manual": manual, "snapshot": snapshot, "page": channels.channel_page(snapshot, channel)}
    return render(request, "policies/channel_detail.html", context)
