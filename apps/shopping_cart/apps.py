from django.apps import AppConfig


class ShoppingCartConfig(AppConfig):
    name = "apps.shopping_cart"
    label = "shopping_cart"
    verbose_name = "Shopping Cart"
    default_auto_field = "django.db.models.BigAutoField"
