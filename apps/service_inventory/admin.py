from django.contrib import admin

from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "family", "state", "operating_status", "owner_party_id", "service_date")
    list_filter = ("family", "state", "operating_status")
    search_fields = ("id", "name", "spec_id")
    readonly_fields = ("state",)
