"""TMF622 event names and payloads. Payloads are domain facts; hub listeners get the TMF rendering."""
PRODUCT_ORDER_CREATE = "ProductOrderCreateEvent"
PRODUCT_ORDER_ATTRIBUTE_VALUE_CHANGE = "ProductOrderAttributeValueChangeEvent"
PRODUCT_ORDER_STATE_CHANGE = "ProductOrderStateChangeEvent"
PRODUCT_ORDER_INFORMATION_REQUIRED = "ProductOrderInformationRequiredEvent"
PRODUCT_ORDER_DELETE = "ProductOrderDeleteEvent"
CANCEL_PRODUCT_ORDER_CREATE = "CancelProductOrderCreateEvent"
CANCEL_PRODUCT_ORDER_STATE_CHANGE = "CancelProductOrderStateChangeEvent"
CANCEL_PRODUCT_ORDER_INFORMATION_REQUIRED = "CancelProductOrderInformationRequiredEvent"

# Consumed from activation (docs/contracts.md)
SERVICE_ORDER_STATE_CHANGE = "ServiceOrderStateChangeEvent"
SERVICE_ORDER_ITEM_STATE_CHANGE = "ServiceOrderItemStateChangeEvent"
# Sent to the fallout app
FALLOUT_REQUESTED = "FalloutRequested"


def product_order_payload(order, **extra) -> dict:
    return {"product_order_id": str(order.pk), "external_id": order.external_id, "state": order.state,
            "reasons": list(order.state_reasons), **extra}


def cancel_payload(task, **extra) -> dict:
    return {"cancel_product_order_id": str(task.pk), "product_order_id": str(task.order_id), "state": task.state,
            **extra}


def fallout_payload(*, kind: str, summary: str, order, item_key: str = "", service_order_id: str = "",
                    **context) -> dict:
    return {"source": "ordering", "kind": kind, "summary": summary, "context": context,
            "product_order_id": str(order.pk), "service_order_id": service_order_id, "item_key": item_key,
            "job_id": "", "service_id": ""}
