"""Acknowledgements' pages, at the addresses they have always had under ``/manuals/``. Included before the
manual's own patterns, whose ``<manual>/<entry>/`` would otherwise take ``<manual>/acknowledgements/``."""

from django.urls import path

from . import views

app_name = "acknowledgements"

urlpatterns = [
    path("<slug:manual>/acknowledgements/", views.ack_report, name="ack_report"),
    path("<slug:manual>/pdfs/<int:pdf>/sign/", views.onboarding_sign, name="onboarding_sign"),
    path("<slug:manual>/<slug:entry>/acknowledge/", views.entry_acknowledge, name="entry_acknowledge"),
]
