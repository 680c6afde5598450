"""Reconciliation events, for in-process subscribers only (no TMF API): COM notes them on the orders that built the
service (product_ordering.handlers.note_drift), fallout resolves the case of settled drift. Product inventory
follows TMF638 instead: a degraded drift changes the service's operatingStatus, whose
ServiceAttributeValueChangeEvent the products hear (product_inventory.handlers.follow_service_health)."""
DRIFT_DETECTED = "DriftDetectedEvent"
DRIFT_SETTLED = "DriftSettledEvent"  # repaired, or cleared by itself
RESOURCE_TYPE = "drift"


def drift_payload(drift) -> dict:
    return {"drift_id": str(drift.pk), "service_id": drift.service_id, "platform": drift.platform,
            "family": drift.family, "kind": drift.kind, "state": drift.state, "detected_by": drift.detected_by}
