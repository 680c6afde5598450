"""The ended service order's event records the items whose own events COM missed, and costs one read when
none was missed (the per-item path already did the work)."""
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.product_ordering import handlers

from .helpers import outcome, place, service_item, states

SPECS = ("Fibre Access", "IP Address", "Managed CPE")


def ended_event(order, com, state="completed"):
    items = [service_item(order, com.catalog.service_specs[name]) for name in SPECS]
    submission = items[0].order_item.submissions.get()
    return SimpleNamespace(payload={"external_id": submission.external_id, "state": state, "items": [
        {"key": item.key, "state": "completed", "service_id": f"svc-{item.key}"} for item in items]})


def test_an_item_whose_own_event_was_lost_is_recorded_from_the_ended_order(com):
    order = place(com)
    for name in SPECS[:2]:
        order = outcome(order, com.catalog.service_specs[name], "completed")
    assert states(order) == ("inProgress", {"1": "inProgress"})

    handlers.record_service_order_outcome(ended_event(order, com))

    assert states(order) == ("completed", {"1": "completed"})
    cpe = service_item(order, com.catalog.service_specs["Managed CPE"])
    assert (cpe.state, cpe.service_id) == ("completed", f"svc-{cpe.key}")


def test_when_every_item_was_recorded_the_ended_order_costs_one_read_and_changes_nothing(com):
    order = place(com)
    for name in SPECS:
        order = outcome(order, com.catalog.service_specs[name], "completed")
    event = ended_event(order, com)
    before = (states(order), sorted(service_item(order, com.catalog.service_specs[n]).state for n in SPECS))

    with CaptureQueriesContext(connection) as queries:
        handlers.record_service_order_outcome(event)

    assert len(queries) == 2  # the submission, the keys still awaiting (none)
    assert (states(order), sorted(service_item(order, com.catalog.service_specs[n]).state for n in SPECS)) == before
