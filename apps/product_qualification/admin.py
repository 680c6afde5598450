from django.contrib import admin

from .models import EligibilityRule, ProductOfferingQualification, ProductOfferingQualificationItem


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ("offering_name", "kind", "required_offering_name", "segments", "max_quantity",
                    "excluded_offering_name", "alternate_offering_name", "is_active")
    list_filter = ("kind", "is_active")


class ItemInline(admin.TabularInline):
    model = ProductOfferingQualificationItem
    extra = 0
    readonly_fields = ("qualification_result", "reasons", "alternates", "state")


@admin.register(ProductOfferingQualification)
class ProductOfferingQualificationAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "state", "qualification_result", "created_at")
    list_filter = ("state", "qualification_result")
    readonly_fields = ("state", "error")
    inlines = [ItemInline]
