from celery import shared_task

from bss.jobs import BestEffortTask

from . import services


@shared_task(base=BestEffortTask, name="apps.product_ordering.tasks.product_order_sweep_stalled_task")
def product_order_sweep_stalled_task():
    return services.product_order_sweep_stalled()
