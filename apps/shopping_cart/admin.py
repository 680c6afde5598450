from django.contrib import admin

from .models import CartItem, ShoppingCart


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    readonly_fields = ("prices",)


@admin.register(ShoppingCart)
class ShoppingCartAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "status", "valid_to", "product_order_id", "created_at")
    list_filter = ("status",)
    readonly_fields = ("status", "product_order_id")
    inlines = [CartItemInline]
