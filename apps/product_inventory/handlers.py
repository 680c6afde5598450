"""Subscribers: the service inventory's state changes that the customer's products follow. Idempotent."""
from bss.events import subscriber

from . import services


@subscriber("ServiceStateChangeEvent", queue="default",
            when=lambda payload: payload.get("state") in services.FOLLOWED_SERVICE_STATES)
def follow_service_state(event):
    payload = event.payload
    if payload.get("service_id") and payload.get("state"):
        services.product_status_follow_service(service_id=payload["service_id"], service_state=payload["state"])
