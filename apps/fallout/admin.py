from django.contrib import admin

from .models import FalloutCase


@admin.register(FalloutCase)
class FalloutCaseAdmin(admin.ModelAdmin):
    """Read-only: operators act in the console, where every action goes through the services."""

    list_display = ("created_at", "source", "kind", "subject", "state", "assignee", "occurrences")
    list_filter = ("state", "source", "kind")
    search_fields = ("subject", "summary", "assignee")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
