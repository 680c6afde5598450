"""Subscriber: acknowledged (async) qualifications run on queue `orders`. Idempotent."""
from bss.events import subscriber

from . import events, services


@subscriber(events.CREATE, queue="orders")
def qualification_run(event):
    services.product_offering_qualification_process(qualification_id=event.resource_id)
