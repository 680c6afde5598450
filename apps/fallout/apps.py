from django.apps import AppConfig


class FalloutConfig(AppConfig):
    name = "apps.fallout"
    label = "fallout"
    verbose_name = "Fallout"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import handlers  # noqa: F401 (registers the subscribers)
