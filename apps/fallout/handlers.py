"""Cases opened by other contexts' events; cases closed when the failed work later succeeds. Idempotent."""
import logging

from bss.events import subscriber

from .choices import FalloutSource
from .services import fallout_case_open, fallout_cases_resolve_for

logger = logging.getLogger(__name__)
ID_FIELDS = ("product_order_id", "service_order_id", "item_key", "job_id", "service_id")


def _product_order_of(payload: dict) -> str:
    """Activation knows its service order and the requester's external id; COM knows which product order
    that submission was for. Naming it on the case lets the operator see and cancel the whole order."""
    if payload.get("product_order_id"):
        return str(payload["product_order_id"])
    external_id = (payload.get("context") or {}).get("external_id")
    if not external_id:
        return ""
    from apps.product_ordering.selectors import submission_by_external_id

    submission = submission_by_external_id(external_id=external_id)
    return str(submission.order_item.order_id) if submission else ""


@subscriber("FalloutRequested")
def on_fallout_requested(event):
    payload = event.payload
    ids = {name: payload.get(name) or "" for name in ID_FIELDS}
    ids["product_order_id"] = _product_order_of(payload)
    fallout_case_open(source=payload.get("source", ""), kind=payload.get("kind") or "unspecified",
                      summary=payload.get("summary", ""), context=payload.get("context") or {},
                      event_id=str(event.pk), **ids)


@subscriber("DeliveryDeadLetteredEvent")
def on_delivery_dead_lettered(event):
    payload = event.payload
    if payload.get("event_type") == "DeliveryDeadLetteredEvent" and payload.get("target", "").startswith(__name__):
        # Our own handler failing on a dead-letter must not open cases about itself forever.
        logger.error("fallout handler dead-lettered", extra={"delivery_id": event.resource_id})
        return
    fallout_case_open(source=FalloutSource.NOTIFICATIONS, kind="deliveryDeadLettered",
                      summary=f"{payload.get('event_type')} to {payload.get('target')}: {payload.get('error', '')}",
                      context=payload, delivery_id=event.resource_id, event_id=str(event.pk))


# Only a re-driven item (or one whose failed step was skipped) can have a case: every case about an item ended it
# failed, and only an operator's re-drive or skip brings it back to completion.
@subscriber("ServiceOrderItemStateChangeEvent",
            when=lambda payload: payload.get("state") == "completed" and payload.get("redriven"))
def on_service_order_item_settled(event):
    payload = event.payload
    fallout_cases_resolve_for(actor="system", reason="item completed", source=FalloutSource.ACTIVATION,
                              service_order_id=str(payload.get("service_order_id", "")),
                              item_key=payload.get("key", ""))


@subscriber("DriftSettledEvent")
def on_drift_settled(event):
    payload = event.payload
    fallout_cases_resolve_for(actor="system", reason=f"drift {payload.get('state')}",
                              source=FalloutSource.RECONCILIATION, service_id=payload.get("service_id", ""),
                              kind=f"{payload.get('kind')}Drift")
