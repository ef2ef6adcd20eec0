"""Addresses of the shared values pages, under ``/manuals/<manual>/values/`` (a name reserved in ``slugs``)."""

from django.urls import path

from .views import values

urlpatterns = [
    path("", values.value_list, name="value_list"),
    path("new/", values.value_create, name="value_create"),
    path("<slug:name>/", values.value_detail, name="value_detail"),
    path("<slug:name>/change/", values.value_change, name="value_change"),
    path("<slug:name>/approve/", values.value_approve, name="value_approve"),
    path("<slug:name>/request-changes/", values.value_request_changes, name="value_request_changes"),
    path("<slug:name>/withdraw/", values.value_withdraw, name="value_withdraw"),
]
