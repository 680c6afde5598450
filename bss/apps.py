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
        self._hub_memo_follows_subscriptions()
        jobs.connect_connection_hygiene()
        # Every process (web, worker, beat) registers the same event subscribers: each app's handlers.py.
        for module in [f"{config.name}.handlers" for config in apps.get_app_configs()] + list(
                getattr(settings, "BSS_EXTRA_HANDLER_MODULES", [])):
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise

    @staticmethod
    def _hub_memo_follows_subscriptions():
        # Cache invalidation, not business logic: a subscription made or removed inside a transaction is seen
        # by the events that transaction emits afterwards.
        from django.db.models.signals import post_delete, post_save

        from .events import hub_memo_forget
        from .models import HubSubscription

        post_save.connect(hub_memo_forget, sender=HubSubscription, weak=False)
        post_delete.connect(hub_memo_forget, sender=HubSubscription, weak=False)
