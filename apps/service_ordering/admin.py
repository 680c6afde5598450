from django.contrib import admin

from .models import ActivationJob, CancelServiceOrder, RepairJob, ServiceOrder, ServiceOrderItem, ServiceSpecCache


class ItemInline(admin.TabularInline):
    model = ServiceOrderItem
    extra = 0
    fields = ("key", "action", "family", "service_id", "state", "error")
    readonly_fields = fields


@admin.register(ServiceOrder)
class ServiceOrderAdmin(admin.ModelAdmin):
    list_display = ("id", "external_id", "requester", "state", "created_at", "completion_date")
    list_filter = ("state",)
    search_fields = ("id", "external_id")
    readonly_fields = ("state",)
    inlines = [ItemInline]


@admin.register(ActivationJob)
class ActivationJobAdmin(admin.ModelAdmin):
    list_display = ("id", "item", "phase", "step", "platform", "state", "attempts", "next_attempt_at", "last_error")
    list_filter = ("state", "platform", "phase")
    readonly_fields = ("state",)


@admin.register(RepairJob)
class RepairJobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "platform", "service_id", "requested_by", "run", "state", "attempts",
                    "next_attempt_at", "last_error")
    list_filter = ("state", "kind", "platform")
    search_fields = ("service_id", "requested_by")
    readonly_fields = ("state",)


@admin.register(CancelServiceOrder)
class CancelServiceOrderAdmin(admin.ModelAdmin):
    list_display = ("id", "service_order", "state", "created_at")
    readonly_fields = ("state",)


@admin.register(ServiceSpecCache)
class ServiceSpecCacheAdmin(admin.ModelAdmin):
    list_display = ("spec_id", "version", "fetched_at")
    search_fields = ("spec_id",)
