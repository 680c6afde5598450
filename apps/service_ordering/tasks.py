"""Thin tasks: an id in, one service call."""
from celery import shared_task

from bss.jobs import BestEffortTask, CriticalTask

from . import services


@shared_task(base=CriticalTask, name="apps.service_ordering.tasks.service_order_start_task")
def service_order_start_task(service_order_id):
    order = services.service_order_start(service_order_id=service_order_id)
    return order.state if order else None


@shared_task(base=CriticalTask, name="apps.service_ordering.tasks.activation_job_run_task")
def activation_job_run_task(job_id):
    return services.activation_job_run(job_id=job_id)


@shared_task(base=BestEffortTask, name="apps.service_ordering.tasks.activation_sweep_task")
def activation_sweep_task():
    return services.activation_sweep()


@shared_task(base=BestEffortTask, name="apps.service_ordering.tasks.service_spec_cache_warm_task")
def service_spec_cache_warm_task():
    return services.service_spec_cache_warm()


# Repair workflows (apps.service_ordering.repair): same shape as the step jobs.
@shared_task(base=CriticalTask, name="apps.service_ordering.tasks.repair_job_run_task")
def repair_job_run_task(job_id):
    from . import repair

    return repair.repair_job_run(job_id=job_id)


@shared_task(base=BestEffortTask, name="apps.service_ordering.tasks.repair_sweep_task")
def repair_sweep_task():
    from . import repair

    return repair.repair_sweep()
