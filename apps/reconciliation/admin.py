from django.contrib import admin

from .models import DriftRecord, ReconcileRun


@admin.register(DriftRecord)
class DriftRecordAdmin(admin.ModelAdmin):
    list_display = ("detected_at", "service_id", "platform", "kind", "detected_by", "state", "repair_attempts")
    list_filter = ("kind", "state", "detected_by", "family")
    search_fields = ("service_id",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReconcileRun)
class ReconcileRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "family", "detected_by", "services_checked", "observed_checked", "drifts_found")
    list_filter = ("family", "detected_by")
