from celery import shared_task

from bss.jobs import CriticalTask

from . import services


@shared_task(base=CriticalTask, name="apps.network.tasks.network_operation_complete_task")
def network_operation_complete_task(operation_id):
    return services.network_operation_complete(operation_id=operation_id)
