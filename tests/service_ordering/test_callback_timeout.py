"""The access controller's callback path under a statement timeout: the callback fails whole and is retried."""
import threading
from datetime import timedelta

import psycopg
from django.db import connection
from django.utils import timezone

from apps.network.models import NetworkOperation
from apps.network.services import network_operation_complete, network_sim_async
from apps.service_ordering.models import ActivationJob, ServiceOrder, ServiceOrderItem
from apps.service_ordering.services import activation_job_run, service_order_start, service_order_submit
from bss.events import delivery_run
from bss.models import Delivery, TransitionLog

from .activation import drive, item

CALLBACK = "apps.service_ordering.handlers.network_operation_completed"


def hold_row_lock(table: str, row_id, seconds: float) -> threading.Event:
    """Another session locks the row (as a stuck transaction would) and lets go after `seconds`."""
    settings = connection.settings_dict
    locked = threading.Event()

    def hold():
        with psycopg.connect(host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                             dbname=settings["NAME"]) as other:
            other.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE", [row_id])
            locked.set()
            threading.Event().wait(seconds)  # then the with block rolls back: lock released

    threading.Thread(target=hold, daemon=True).start()
    assert locked.wait(10)
    return locked


def test_a_callback_stuck_on_a_lock_times_out_rolls_back_whole_and_its_retry_completes_the_order(
        specs, healthy_network, transactional_db, settings):
    settings.BSS_CALLBACK_STATEMENT_TIMEOUT_MS = 300
    network_sim_async(platform="access_controller", enabled=True)
    order = service_order_submit(external_id="ext-cb", requester="com",
                                 items=[item("fibre", "fibre_access", {"downloadSpeed": 1000, "uploadSpeed": 500})])
    service_order_start(service_order_id=order.pk)
    job = ActivationJob.objects.get(state="pending")
    activation_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "pendingExternal"
    operation = NetworkOperation.objects.get(state="pending")
    assert network_operation_complete(operation_id=operation.pk) is True  # the platform's callback arrives
    callback = Delivery.objects.get(target=CALLBACK, state="pending")
    logged_before = TransitionLog.objects.count()

    hold_row_lock(ActivationJob._meta.db_table, job.pk, seconds=3)
    started = timezone.now()
    outcome = delivery_run(delivery_id=callback.pk)
    waited = timezone.now() - started

    assert outcome == "pending"  # a failed attempt, to be retried
    assert waited < timedelta(seconds=2)  # cancelled at the timeout, not after the lock
    callback.refresh_from_db()
    assert (callback.state, callback.attempts) == ("pending", 1)
    assert "canceling statement due to statement timeout" in callback.last_error
    assert callback.next_attempt_at is not None
    job.refresh_from_db()
    assert job.state == "pendingExternal"  # nothing half applied
    assert ServiceOrderItem.objects.get().state == "pendingExternal"
    assert TransitionLog.objects.count() == logged_before

    threading.Event().wait(3.2)  # the stuck transaction ends
    Delivery.objects.filter(pk=callback.pk).update(next_attempt_at=timezone.now())  # its backoff is over
    assert delivery_run(delivery_id=callback.pk) == "delivered"
    drive()

    assert ServiceOrder.objects.get(pk=order.pk).state == "completed"
    assert ActivationJob.objects.get(pk=job.pk).state == "done"
    assert NetworkOperation.objects.filter(pk=operation.pk, state="done").count() == 1
    assert NetworkOperation.objects.filter(idempotency_key=str(job.pk)).count() == 1  # applied once
