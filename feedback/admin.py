from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FeedbackItem


@admin.register(FeedbackItem)
class FeedbackItemAdmin(SimpleHistoryAdmin):
    list_display = ["received_on", "manual", "entry", "source", "channel", "status"]
    list_filter = ["status", "source", "channel", "manual"]
    raw_id_fields = ["entry", "submitted_by", "closed_by", "closing_version"]
