from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Entry, EntryVersion, Manual, Section
from .permissions import can_switch_off_four_eyes


class NoDeleteMixin:
    """Nothing is hard-deleted through the product: retiring keeps history."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Manual)
class ManualAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("title", "organisation", "slug", "require_second_approver")
    prepopulated_fields = {"slug": ("title",)}
    fields = (
        "title", "slug", "organisation", "mission", "vision", "require_second_approver",
        "four_eyes_off_requested_by", "four_eyes_off_requested_at",
    )  # fmt: skip
    REQUEST_FIELDS = ("four_eyes_off_requested_by", "four_eyes_off_requested_at")

    def get_readonly_fields(self, request, obj=None):
        # Four eyes binds managers: one of them turns it off by asking on the manual's settings page, where another
        # manager decides. Administrators may change it here; the service records why either way.
        if can_switch_off_four_eyes(request.user):
            return self.REQUEST_FIELDS
        return ("require_second_approver", *self.REQUEST_FIELDS)

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in self.fields if f in form.cleaned_data}
        saved = services.manual_save(manual=Manual.objects.get(pk=obj.pk) if change else None, user=request.user,
                                     data=data, reason="Edited in the admin")  # fmt: skip
        obj.pk = saved.pk


@admin.register(Section)
class SectionAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("title", "manual", "order")
    list_filter = ("manual",)
    fields = ("manual", "title", "slug", "intro", "order")

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in ("title", "slug", "intro", "order")}
        saved = services.section_save(section=Section.objects.get(pk=obj.pk) if change else None,
                                      manual=form.cleaned_data["manual"], user=request.user, data=data,
                                      reason="Edited in the admin")  # fmt: skip
        obj.pk = saved.pk


@admin.register(Entry)
class EntryAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("title", "manual", "section", "kind", "status", "live_version", "updated_at")
    list_filter = ("manual", "kind", "status")
    search_fields = ("title", "slug", "summary")
    readonly_fields = (
        "status", "live_version", "has_unpublished_changes", "first_published_at", "last_published_at",
        "retired_at", "last_author", "submitted_by", "submitted_at", "lock_version",
    )  # fmt: skip
    actions = ["submit_for_review", "retire"]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in services.EDITABLE_FIELDS if f in form.cleaned_data}
        # The form has already copied its values onto ``obj``; the service compares against the stored row.
        saved = services.entry_save_draft(
            entry=Entry.objects.get(pk=obj.pk) if change else None, manual=form.cleaned_data["manual"],
            user=request.user, data=data, reason="Edited in the admin",
        )  # fmt: skip
        obj.pk = saved.pk

    @admin.action(description="Submit for review")
    def submit_for_review(self, request, queryset):
        for entry in queryset:
            try:
                services.entry_submit(entry=entry, user=request.user)
            except Exception as exc:  # one bad entry must not hide the result of the others
                self.message_user(request, f"{entry}: {exc}", messages.ERROR)

    @admin.action(description="Retire")
    def retire(self, request, queryset):
        for entry in queryset:
            try:
                services.entry_retire(entry=entry, user=request.user, reason="Retired in the admin")
            except Exception as exc:
                self.message_user(request, f"{entry}: {exc}", messages.ERROR)


@admin.register(EntryVersion)
class EntryVersionAdmin(SimpleHistoryAdmin):
    list_display = ("entry", "number", "approver", "approved_by_author", "approved_at", "is_material")
    list_filter = ("entry__manual",)

    def has_change_permission(self, request, obj=None):
        return False  # published versions are immutable

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
