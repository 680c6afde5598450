"""Reconciliation events (in-process subscribers: product inventory, COM, fallout, the console)."""
DRIFT_DETECTED = "DriftDetectedEvent"
DRIFT_SETTLED = "DriftSettledEvent"  # repaired, or cleared by itself
RESOURCE_TYPE = "drift"


def drift_payload(drift) -> dict:
    return {"drift_id": str(drift.pk), "service_id": drift.service_id, "platform": drift.platform,
            "family": drift.family, "kind": drift.kind, "state": drift.state, "detected_by": drift.detected_by}
