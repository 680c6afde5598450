from django.apps import AppConfig


class ServiceOrderingConfig(AppConfig):
    name = "apps.service_ordering"
    label = "service_ordering"
    verbose_name = "Service Ordering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bss.schedules import schedule_register

        # Due retries, abandoned steps, silent platforms and unstarted orders: picked up within seconds.
        schedule_register("activation-sweep", "apps.service_ordering.tasks.activation_sweep_task", 2.0,
                          queue="activation")
        schedule_register("repair-sweep", "apps.service_ordering.tasks.repair_sweep_task", 2.0, queue="activation")
        # The catalog copied ahead of need, so an outage finds every spec version already cached.
        schedule_register("activation-spec-cache-warm", "apps.service_ordering.tasks.service_spec_cache_warm_task",
                          300.0, queue="default")
