from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.send, name="send"),
    path("record/", views.record, name="record"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:item>/status/", views.set_status, name="set_status"),
]
