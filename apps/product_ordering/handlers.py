"""Subscribers: our own intake events and activation's outcomes (queue "orders"), and reconciliation's drift on
what our orders built (queue "default": a wave of drift must not queue ahead of orders). All idempotent."""
from apps.fallout.events import FALLOUT_CASE_STATE_CHANGE
from apps.reconciliation.events import DRIFT_DETECTED, DRIFT_SETTLED
from bss.events import subscriber

from . import events, selectors, services


@subscriber(events.PRODUCT_ORDER_CREATE, events.PRODUCT_ORDER_ATTRIBUTE_VALUE_CHANGE, queue="orders")
def validate_product_order(event):
    services.product_order_validate(order_id=event.payload["product_order_id"])


@subscriber(events.CANCEL_PRODUCT_ORDER_CREATE, queue="orders")
def process_cancellation(event):
    services.cancel_product_order_process(cancel_id=event.payload["cancel_product_order_id"])


@subscriber(events.SERVICE_ORDER_ITEM_STATE_CHANGE, queue="orders")
def record_service_order_item_outcome(event):
    payload = event.payload
    services.service_order_outcome_record(external_id=payload.get("external_id") or "", key=payload.get("key") or "",
                                          state=payload.get("state") or "", service_id=payload.get("service_id"),
                                          error=payload.get("error"), fallout=bool(payload.get("fallout")))


# TMF641 order states after which no item changes any more.
SERVICE_ORDER_ENDED = ("completed", "failed", "partial", "cancelled", "rejected")


@subscriber(events.SERVICE_ORDER_STATE_CHANGE, queue="orders",
            when=lambda payload: payload.get("state") in SERVICE_ORDER_ENDED)
def record_service_order_outcome(event):
    """A safety net behind the per-item events: the ended order's items whose outcome COM has not recorded yet
    (normally none: one read, and the per-item path did the work)."""
    payload = event.payload
    submission = selectors.submission_by_external_id(external_id=payload.get("external_id") or "")
    items = payload.get("items") or []
    awaiting = selectors.service_item_keys_awaiting(
        submission=submission, keys=[item.get("key") or "" for item in items]) if submission else set()
    for item in (item for item in items if item.get("key") in awaiting):
        services.service_order_outcome_record(external_id=payload.get("external_id") or "", key=item.get("key") or "",
                                              state=item.get("state") or "", service_id=item.get("service_id"),
                                              error=item.get("error"), fallout=bool(item.get("fallout")))


def _operator_closed_activation_case(payload) -> bool:
    """An operator resolved or cancelled a case about an activation item (the system resolves it when the item
    completes: that outcome reaches COM as the item's own event)."""
    return (payload.get("source") == "activation" and payload.get("state") in ("resolved", "cancelled")
            and payload.get("actor") not in ("", None, "system") and bool(payload.get("service_order_id")))


@subscriber(FALLOUT_CASE_STATE_CHANGE, queue="orders", when=_operator_closed_activation_case)
def release_held_service_item(event):
    """The operator gave up on a part COM holds for them: COM ends the order by its normal rules."""
    payload = event.payload
    services.service_item_release(service_order_id=payload["service_order_id"], key=payload.get("item_key") or "",
                                  reason=payload.get("resolution") or payload["state"])


@subscriber(DRIFT_DETECTED, DRIFT_SETTLED, queue="default")
def note_drift(event):
    """COM is told of drift on a service it ordered: a note on the order, one per drift and state."""
    payload = event.payload
    happened = "detected" if event.event_type == DRIFT_DETECTED else payload["state"]
    services.product_order_note_drift(
        service_id=payload["service_id"], note_id=f"drift:{payload['drift_id']}:{happened}",
        text=f"{payload['kind']} drift on {payload['platform']} for service {payload['service_id']}: {happened}")
