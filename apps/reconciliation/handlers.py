"""Event-driven reconciliation: a network change is checked at once; a repair's async answer is verified."""
from bss.events import subscriber

from .choices import DetectedBy
from .repair import repair_key_drift_id
from .services import drift_repair_verify, reconcile_service


@subscriber("NetworkChangeEvent", queue="default")
def on_network_change(event):
    reconcile_service(service_id=event.payload.get("service_id") or event.resource_id, detected_by=DetectedBy.EVENT)


@subscriber("NetworkOperationCompletedEvent", queue="reconcile")
def on_network_operation_completed(event):
    drift_id = repair_key_drift_id(event.payload.get("idempotency_key", ""))
    if drift_id:
        drift_repair_verify(drift_id=drift_id)
