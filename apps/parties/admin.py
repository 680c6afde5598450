from django.contrib import admin

from .models import ApiClient, BillingAccount, Party


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "segment", "channel", "created_at")
    list_filter = ("kind", "segment")
    search_fields = ("name", "id")


@admin.register(BillingAccount)
class BillingAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "party", "currency")
    search_fields = ("name", "party__name")


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("application", "party", "scopes")
    search_fields = ("application__name", "party__name")
