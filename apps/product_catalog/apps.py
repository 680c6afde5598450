from django.apps import AppConfig


class ProductCatalogConfig(AppConfig):
    name = "apps.product_catalog"
    label = "product_catalog"
    verbose_name = "Product Catalog"
    default_auto_field = "django.db.models.BigAutoField"
