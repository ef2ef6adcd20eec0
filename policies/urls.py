from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.manual_list, name="manual_list"),
    path("<slug:manual>/", views.manual_home, name="manual_home"),
    path("<slug:manual>/print/", views.manual_print, name="manual_print"),
    path("<slug:manual>/manual.pdf", views.manual_pdf, name="manual_pdf"),
    path("<slug:manual>/<slug:entry>/", views.entry_detail, name="entry_detail"),
]
