"""Event-driven reconciliation: a network change is checked at once; activation's repair outcome settles the
drift it was asked about (or records that activation escalated it)."""
from apps.service_ordering.events import REPAIR_STATE_CHANGE
from bss.events import subscriber

from .choices import DetectedBy
from .services import drift_repair_outcome, reconcile_service


@subscriber("NetworkChangeEvent", queue="default")
def on_network_change(event):
    reconcile_service(service_id=event.payload.get("service_id") or event.resource_id, detected_by=DetectedBy.EVENT)


@subscriber(REPAIR_STATE_CHANGE, queue="reconcile")
def on_repair_settled(event):
    payload = event.payload
    drift_repair_outcome(drift_id=payload["requested_by"], state=payload["state"], attempts=payload["attempts"],
                         error=payload.get("error") or "")
