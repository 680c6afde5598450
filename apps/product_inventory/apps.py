from django.apps import AppConfig


class ProductInventoryConfig(AppConfig):
    name = "apps.product_inventory"
    label = "product_inventory"
    verbose_name = "Product Inventory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import handlers  # noqa: F401  (registers the subscribers)
