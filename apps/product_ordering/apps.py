from django.apps import AppConfig


class ProductOrderingConfig(AppConfig):
    name = "apps.product_ordering"
    label = "product_ordering"
    verbose_name = "Product Ordering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bss.schedules import schedule_register

        from . import handlers  # noqa: F401  (registers the subscribers)

        schedule_register("product-order-stall-sweep", "apps.product_ordering.tasks.product_order_sweep_stalled_task",
                          60.0, queue="orders")
