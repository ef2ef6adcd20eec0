from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.results, name="results"),
    path("not-helpful/", views.not_helpful, name="not_helpful"),
    path("misses/", views.misses, name="misses"),
    path("misses/feedback/", views.miss_to_feedback, name="miss_feedback"),
]
