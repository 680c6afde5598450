"""Subscribers to other contexts' events (idempotent: a repeated completion finds the job already done)."""
from apps.network.events import NETWORK_OPERATION_COMPLETED
from bss.events import subscriber

from . import repair, services


@subscriber(NETWORK_OPERATION_COMPLETED, queue="activation")
def network_operation_completed(event):
    services.activation_external_result(idempotency_key=event.payload["idempotency_key"],
                                        response=event.payload.get("response") or {})


@subscriber(NETWORK_OPERATION_COMPLETED, queue="activation")
def repair_operation_completed(event):
    repair.repair_external_result(idempotency_key=event.payload["idempotency_key"],
                                  response=event.payload.get("response") or {})
