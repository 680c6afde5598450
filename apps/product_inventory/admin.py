from django.contrib import admin

from .models import Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    # Read-only: products change through services (fulfilment outcomes, the TMF637 back-office API).
    list_display = ("id", "name", "status", "customer_party_id", "offering_name", "updated_at")
    list_filter = ("status",)
    search_fields = ("id", "name", "customer_party_id", "offering_id")

    def has_change_permission(self, request, obj=None):
        return False
