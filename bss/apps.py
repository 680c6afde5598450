import importlib

from django.apps import AppConfig, apps
from django.conf import settings


class BssConfig(AppConfig):
    name = "bss"
    verbose_name = "Platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import jobs, observability

        observability.connect_celery_signals()
        jobs.connect_connection_hygiene()
        # Every process (web, worker, beat) registers the same event subscribers: each app's handlers.py.
        for module in [f"{config.name}.handlers" for config in apps.get_app_configs()] + list(
                getattr(settings, "BSS_EXTRA_HANDLER_MODULES", [])):
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise
