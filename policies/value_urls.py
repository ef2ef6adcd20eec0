"""Addresses of the shared values pages, under ``/manuals/<manual>/values/`` (a name reserved in ``slugs``), in
the ``values`` namespace (``values:detail``), mounted by ``policymanual/urls.py``."""

from django.urls import path

from .views import values

app_name = "values"

urlpatterns = [
    path("", values.value_list, name="list"),
    path("new/", values.value_create, name="create"),
    path("<slug:name>/", values.value_detail, name="detail"),
    path("<slug:name>/change/", values.value_change, name="change"),
    path("<slug:name>/approve/", values.value_approve, name="approve"),
    path("<slug:name>/request-changes/", values.value_request_changes, name="request_changes"),
    path("<slug:name>/withdraw/", values.value_withdraw, name="withdraw"),
]
