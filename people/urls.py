from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("add/", views.person_add, name="person_add"),
    path("import/", views.people_import, name="people_import"),
    path("import/confirm/", views.people_import_confirm, name="people_import_confirm"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<slug:slug>/", views.team_edit, name="team_edit"),
    # Usernames may be "teams" or "import", so people have their own prefix.
    path("person/<str:username>/", views.person_edit, name="person_edit"),
    path("person/<str:username>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("person/<str:username>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("person/<str:username>/invite/", views.person_invite, name="person_invite"),
]
