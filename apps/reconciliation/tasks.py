from celery import shared_task

from bss.jobs import BestEffortTask

from . import services


@shared_task(base=BestEffortTask, name="apps.reconciliation.tasks.reconcile_family_task")
def reconcile_family_task(family, force=False):
    return services.reconcile_family_if_due(family=family, force=force)
