"""Subscribers: accepted (async) qualifications run on queue `orders`. Idempotent: a finished one is left alone."""
from bss.events import subscriber

from . import events, services


@subscriber(events.CHECK_CREATE, queue="orders")
def check_run(event):
    services.check_service_qualification_process(qualification_id=event.resource_id)


@subscriber(events.QUERY_CREATE, queue="orders")
def query_run(event):
    services.query_service_qualification_process(qualification_id=event.resource_id)
