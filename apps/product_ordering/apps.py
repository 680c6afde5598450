from django.apps import AppConfig


class ProductOrderingConfig(AppConfig):
    name = "apps.product_ordering"
    label = "product_ordering"
    verbose_name = "Product Ordering"
    default_auto_field = "django.db.models.BigAutoField"
