from django import forms
from django.contrib import admin

from bss.errors import ValidationFailed

from .models import CancelProductOrder, DecompositionRule, ProductOrder, ProductOrderItem, ServiceItem
from .services import decomposition_rule_check


class DecompositionRuleForm(forms.ModelForm):
    class Meta:
        model = DecompositionRule
        fields = "__all__"

    def clean(self):
        data = super().clean()
        try:
            decomposition_rule_check(rule_data=data)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(DecompositionRule)
class DecompositionRuleAdmin(admin.ModelAdmin):
    """Rules are versioned: publish a change as a new rule_version and deactivate the old one."""

    form = DecompositionRuleForm
    list_display = ("name", "product_spec_id", "product_spec_version", "service_spec_id", "service_spec_version",
                    "optional", "rule_version", "active")
    list_filter = ("active", "optional")
    search_fields = ("name", "product_spec_id", "service_spec_id")


class ProductOrderItemInline(admin.TabularInline):
    model = ProductOrderItem
    extra = 0
    can_delete = False
    fields = ("item_id", "action", "state", "offering_name", "attempts", "partial", "error")
    readonly_fields = fields


@admin.register(ProductOrder)
class ProductOrderAdmin(admin.ModelAdmin):
    # Read-only here: orders change through services (API, console), never by editing rows.
    list_display = ("id", "owner", "external_id", "state", "order_date", "last_progress_at")
    list_filter = ("state",)
    search_fields = ("id", "external_id", "customer_party_id")
    inlines = [ProductOrderItemInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("key", "service_spec_id", "action", "state", "optional", "service_order_id", "service_id")
    list_filter = ("state", "optional")
    search_fields = ("key", "service_order_id", "service_id")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CancelProductOrder)
class CancelProductOrderAdmin(admin.ModelAdmin):
    list_display = ("id", "order", "state", "created_at")
    list_filter = ("state",)

    def has_change_permission(self, request, obj=None):
        return False
