"""Addresses of the reviews page, under ``/manuals/<manual>/reviews/`` (a name reserved in ``policies.slugs``)."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("reminders/", views.reminders, name="reminders"),
]
