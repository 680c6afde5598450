from django.contrib import admin

from .models import NetworkOperation, ObservedConfig, PortAllocation, ServingElement, SimulatorPlatform

admin.site.register(SimulatorPlatform)


@admin.register(ObservedConfig)
class ObservedConfigAdmin(admin.ModelAdmin):
    list_display = ("service_id", "platform", "status", "updated_at")
    list_filter = ("platform", "status")
    search_fields = ("service_id",)


@admin.register(NetworkOperation)
class NetworkOperationAdmin(admin.ModelAdmin):
    list_display = ("idempotency_key", "platform", "service_id", "kind", "state", "created_at")
    list_filter = ("platform", "kind", "state")
    search_fields = ("service_id", "idempotency_key")


@admin.register(ServingElement)
class ServingElementAdmin(admin.ModelAdmin):
    list_display = ("code", "platform", "total_ports")
    search_fields = ("code",)


@admin.register(PortAllocation)
class PortAllocationAdmin(admin.ModelAdmin):
    list_display = ("element", "port", "service_id", "created_at")
    list_filter = ("element",)
    search_fields = ("service_id",)
