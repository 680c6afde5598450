"""Subscribers: the service inventory's state and health changes that the customer's products follow. Idempotent."""
from bss.events import subscriber

from . import services


def _followed(payload) -> bool:
    # A service's first activation is fulfilment's (COM's) to record: that event gets no delivery here; a
    # service that ran before and becomes active again may lift a suspension.
    if payload.get("state") == "active":
        return payload.get("had_started", True)
    return payload.get("state") in services.FOLLOWED_SERVICE_STATES


@subscriber("ServiceStateChangeEvent", queue="default", when=_followed)
def follow_service_state(event):
    payload = event.payload
    if payload.get("service_id") and payload.get("state"):
        services.product_status_follow_service(service_id=payload["service_id"], service_state=payload["state"])


@subscriber("ServiceAttributeValueChangeEvent", queue="default",
            when=lambda payload: "operating_status" in payload.get("changed", ())
            and payload.get("operating_status") in ("ok", "degraded"))
def follow_service_health(event):
    payload = event.payload
    services.product_follow_service_health(service_id=payload["service_id"],
                                           operating_status=payload["operating_status"],
                                           family=payload.get("family") or "")
