from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:chart>.csv", views.chart_csv, name="chart_csv"),
]
