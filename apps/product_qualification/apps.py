from django.apps import AppConfig


class ProductQualificationConfig(AppConfig):
    name = "apps.product_qualification"
    label = "product_qualification"
    verbose_name = "Product Qualification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import handlers  # noqa: F401  (registers the subscribers)
