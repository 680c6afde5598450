from django.apps import AppConfig


class BssConfig(AppConfig):
    name = "bss"
    verbose_name = "Platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import observability

        observability.connect_celery_signals()
