from celery import shared_task

from . import events
from .jobs import BestEffortTask, CriticalTask


@shared_task(base=CriticalTask, name="bss.tasks.delivery_run_task")
def delivery_run_task(delivery_id):
    return events.delivery_run(delivery_id=delivery_id)


@shared_task(base=BestEffortTask, name="bss.tasks.outbox_sweep_task")
def outbox_sweep_task():
    return events.outbox_sweep()
