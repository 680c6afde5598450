from django.apps import AppConfig


class ServiceOrderingConfig(AppConfig):
    name = "apps.service_ordering"
    label = "service_ordering"
    verbose_name = "Service Ordering"
    default_auto_field = "django.db.models.BigAutoField"
