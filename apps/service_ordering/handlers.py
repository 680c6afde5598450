"""Subscribers to other contexts' events (idempotent: a repeated completion finds the job already done)."""
from apps.network.events import NETWORK_OPERATION_COMPLETED
from bss.events import subscriber

from . import repair, services


def _key_of(payload) -> str:
    return str(payload.get("idempotency_key") or "")


# A step job's key is its id, a repair job's is prefixed: each completion gets one delivery, to its owner.
@subscriber(NETWORK_OPERATION_COMPLETED, queue="activation", when=lambda payload: _key_of(payload).isdigit())
def network_operation_completed(event):
    services.activation_external_result(idempotency_key=event.payload["idempotency_key"],
                                        response=event.payload.get("response") or {})


@subscriber(NETWORK_OPERATION_COMPLETED, queue="activation",
            when=lambda payload: _key_of(payload).startswith(f"{repair.KEY_PREFIX}:"))
def repair_operation_completed(event):
    repair.repair_external_result(idempotency_key=event.payload["idempotency_key"],
                                  response=event.payload.get("response") or {})
