from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Profile, Team


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    """Teams are named in entries' audiences by their slug, so the slug is set once and teams are not deleted."""

    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_readonly_fields(self, request, obj=None):
        return ("slug",) if obj else ()

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        stored = Team.objects.get(pk=obj.pk) if change else None
        slug = None if change else form.cleaned_data["slug"]
        saved = services.team_save(
            team=stored, user=request.user, name=form.cleaned_data["name"], slug=slug, reason="Edited in the admin"
        )
        obj.pk = saved.pk


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    """A profile comes with every user and goes with them; here its teams and email choice can be changed."""

    list_display = ("user", "notify_by", "invited_at")
    list_filter = ("teams", "notify_by")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    fields = ("user", "teams", "notify_by", "invited_by", "invited_at")
    readonly_fields = ("user", "invited_by", "invited_at")
    filter_horizontal = ("teams",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The same reason goes on the row for the teams, saved after this by the admin.
        obj._history_user = request.user
        obj._change_reason = "Edited in the admin"
        super().save_model(request, obj, form, change)
