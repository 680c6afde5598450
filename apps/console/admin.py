from django.contrib import admin
from django.contrib.admin.models import LogEntry

from .models import StaffAction


class ReadOnlyAudit(admin.ModelAdmin):
    """An audit is read, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StaffAction)
class StaffActionAdmin(ReadOnlyAudit):
    list_display = ["at", "username", "action", "target", "status"]
    list_filter = ["action", "status"]
    search_fields = ["username", "target"]


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAudit):
    """The admin's own changes (who, what, when), which Django records for every add, change and delete."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change_message"]
    list_filter = ["action_flag", "content_type"]
