from django.apps import AppConfig


class ServiceInventoryConfig(AppConfig):
    name = "apps.service_inventory"
    label = "service_inventory"
    verbose_name = "Service Inventory"
    default_auto_field = "django.db.models.BigAutoField"
