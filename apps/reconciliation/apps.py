from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "apps.reconciliation"
    label = "reconciliation"
    verbose_name = "Reconciliation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from apps.service_catalog.choices import ServiceFamily
        from bss.schedules import schedule_register

        from . import conf, handlers  # noqa: F401 (registers the subscribers)

        # One beat job per family; each run checks the family's own frequency (from its service specs).
        for family in ServiceFamily.values:
            schedule_register(f"reconcile-{family}", "apps.reconciliation.tasks.reconcile_family_task",
                              conf.tick_seconds(), queue="reconcile", args=(family,))
