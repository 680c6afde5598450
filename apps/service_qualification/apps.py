from django.apps import AppConfig


class ServiceQualificationConfig(AppConfig):
    name = "apps.service_qualification"
    label = "service_qualification"
    verbose_name = "Service Qualification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import handlers  # noqa: F401  (registers the subscribers)
