from celery import shared_task

from bss.jobs import BestEffortTask, CriticalTask

from . import services


@shared_task(base=BestEffortTask, name="apps.reconciliation.tasks.reconcile_family_task")
def reconcile_family_task(family, force=False):
    return services.reconcile_family_if_due(family=family, force=force)


@shared_task(base=CriticalTask, name="apps.reconciliation.tasks.drift_repair_task")
def drift_repair_task(drift_id):
    return services.drift_repair(drift_id=drift_id)
