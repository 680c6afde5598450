"""A part that failed into fallout holds the product order (TMF622 `held`) until the operator settles it:
a re-drive that completes resumes and completes the order; giving up fails it (or ends it partial)."""
from datetime import timedelta

from django.utils import timezone

from apps.fallout.services import fallout_case_cancel, fallout_case_open, fallout_case_resolve
from apps.product_inventory.models import Product
from apps.product_ordering import handlers, services
from apps.product_ordering.models import ProductOrder
from bss.models import OutboxEvent
from bss.testing import outbox_drain

from .helpers import outcome, place, service_item, states

REFUSED = "do step allocate_ip on ipam failed after 1 attempt(s): ipam: HTTP 422 request refused"


def specs(com, *names):
    return [com.catalog.service_specs[name] for name in names]


def order_states():
    return list(OutboxEvent.objects.filter(event_type="ProductOrderStateChangeEvent").order_by("created_at", "id")
                .values_list("payload__state", flat=True))


def held_on_ip(com):
    """Business Fiber with access and CPE done and the IP part failed into fallout."""
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = place(com)
    order = outcome(order, access_spec, "completed")
    order = outcome(order, cpe_spec, "completed")
    return outcome(order, ip_spec, "failed", error=REFUSED, fallout=True)


def snapshot(order):
    order = ProductOrder.objects.get(pk=order.pk)
    return (states(order), order.state_reasons, sorted(s.state for s in order.items.get().service_items.all()),
            OutboxEvent.objects.count(), Product.objects.count())


def test_a_part_failed_into_fallout_holds_the_order_and_nothing_is_compensated(com, standin_gateway):
    order = held_on_ip(com)
    ip_spec = com.catalog.service_specs["IP Address"]
    assert states(order) == ("held", {"1": "held"})
    assert order.state_reasons == [f"item 1: {ip_spec.pk}: {REFUSED} (in fallout)"]
    assert (service_item(order, ip_spec).state, service_item(order, ip_spec).error) == ("held", REFUSED)
    assert order_states() == ["inProgress", "held"]
    assert [call[0] for call in standin_gateway.calls] == ["submit"]  # nothing compensated, nothing retried
    assert Product.objects.count() == 0  # no product status until the order ends


def test_the_re_driven_part_completing_resumes_and_completes_the_order(com, standin_gateway):
    order = held_on_ip(com)
    order = outcome(order, com.catalog.service_specs["IP Address"], "completed", service_id="svc-ip")
    assert states(order) == ("completed", {"1": "completed"})
    assert order.state_reasons == []
    assert order_states() == ["inProgress", "held", "inProgress", "completed"]
    product = Product.objects.get()
    assert product.status == "active"
    assert "svc-ip" in {s["service_id"] for s in product.realizing_services}
    assert [call[0] for call in standin_gateway.calls] == ["submit"]


def test_replayed_outcomes_of_a_held_part_change_nothing(com):
    order = held_on_ip(com)
    before = snapshot(order)
    # The same failure again, from the item's event and from the service order's (the safety net).
    outcome(order, com.catalog.service_specs["IP Address"], "failed", error=REFUSED, fallout=True)
    outcome(order, com.catalog.service_specs["IP Address"], "failed", error=REFUSED, fallout=True)
    assert snapshot(order) == before
    # Once completed, a replay of the old failure or of the completion changes nothing either.
    order = outcome(order, com.catalog.service_specs["IP Address"], "completed")
    after = snapshot(order)
    outcome(order, com.catalog.service_specs["IP Address"], "failed", error=REFUSED, fallout=True)
    outcome(order, com.catalog.service_specs["IP Address"], "completed")
    assert snapshot(order) == after
    assert after[0] == ("completed", {"1": "completed"})


def test_the_operator_giving_up_fails_the_order_and_compensates_the_other_parts(com, standin_gateway):
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = held_on_ip(com)
    services.service_item_release(service_order_id=f"so-{order.pk}:1:1", key=service_item(order, ip_spec).key,
                                  reason="pool exhausted for good")
    order = ProductOrder.objects.get(pk=order.pk)
    assert states(order) == ("failed", {"1": "failed"})
    error = f"the operator gave up in fallout: pool exhausted for good; it had failed with: {REFUSED}"
    assert order.state_reasons == [f"item 1: {ip_spec.pk}: {error}"]
    assert order_states() == ["inProgress", "held", "inProgress", "failed"]
    access, cpe = service_item(order, access_spec), service_item(order, cpe_spec)
    assert (access.state, cpe.state, service_item(order, ip_spec).state) == ("compensated", "compensated", "failed")
    assert standin_gateway.calls[1:] == [("compensate", f"so-{order.pk}:1:1", cpe.key),
                                         ("compensate", f"so-{order.pk}:1:1", access.key)]
    assert Product.objects.get().status == "pendingTerminate"
    # Released again (a redelivered event): nothing changes.
    before = snapshot(order)
    assert services.service_item_release(service_order_id=f"so-{order.pk}:1:1",
                                         key=service_item(order, ip_spec).key, reason="again") is None
    assert snapshot(order) == before


def test_giving_up_on_an_optional_part_ends_the_order_partial(com, standin_gateway):
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = outcome(outcome(place(com), access_spec, "completed"), ip_spec, "completed")
    order = outcome(order, cpe_spec, "failed", error="cpe_manager: HTTP 422 refused", fallout=True)
    assert states(order) == ("held", {"1": "held"})
    services.service_item_release(service_order_id=f"so-{order.pk}:1:1", key=service_item(order, cpe_spec).key,
                                  reason="no CPE in stock")
    order = ProductOrder.objects.get(pk=order.pk)
    assert states(order) == ("partial", {"1": "completed"})
    assert order_states() == ["inProgress", "held", "inProgress", "partial"]
    assert Product.objects.get().status == "pendingActive"
    assert [call[0] for call in standin_gateway.calls] == ["submit"]  # nothing compensated


def test_a_failure_without_fallout_after_the_hold_is_the_operator_giving_up(com):
    order = held_on_ip(com)
    order = outcome(order, com.catalog.service_specs["IP Address"], "cancelled")  # e.g. cancelled in activation
    assert states(order) == ("failed", {"1": "failed"})
    assert order_states() == ["inProgress", "held", "inProgress", "failed"]


def test_parts_that_failed_only_because_they_relied_on_the_held_one_run_again_after_it_completes(com,
                                                                                                 standin_gateway):
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = outcome(place(com), access_spec, "failed", error="olt refused", fallout=True)
    order = outcome(order, ip_spec, "failed", error="relies on access, which did not complete")
    order = outcome(order, cpe_spec, "failed", error="relies on access, which did not complete")
    assert states(order) == ("held", {"1": "held"})
    order = outcome(order, access_spec, "completed")  # re-driven
    ip, cpe = service_item(order, ip_spec), service_item(order, cpe_spec)
    assert standin_gateway.calls[-1] == ("submit", f"{order.pk}:1:2", [ip.key, cpe.key])
    assert states(order) == ("inProgress", {"1": "inProgress"})
    order = outcome(outcome(order, ip_spec, "completed"), cpe_spec, "completed")
    assert states(order) == ("completed", {"1": "completed"})
    assert Product.objects.get().status == "active"


def test_a_held_order_can_be_cancelled(com, standin_gateway):
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = held_on_ip(com)
    task = services.cancel_product_order_create(owner=None, order_id=order.pk, reason="customer withdrew")
    services.cancel_product_order_process(cancel_id=task.pk)
    order = ProductOrder.objects.get(pk=order.pk)
    assert states(order) == ("cancelled", {"1": "cancelled"})
    assert (service_item(order, access_spec).state, service_item(order, ip_spec).state,
            service_item(order, cpe_spec).state) == ("compensated", "cancelled", "compensated")
    assert [call[0] for call in standin_gateway.calls] == ["submit", "compensate", "compensate"]  # no cancel call


def test_the_sweeper_opens_no_second_case_for_a_held_order_with_one(com):
    order = held_on_ip(com)
    fallout_case_open(source="activation", kind="stepFailed", summary=REFUSED, product_order_id=str(order.pk),
                      service_order_id=f"so-{order.pk}:1:1",
                      item_key=service_item(order, com.catalog.service_specs["IP Address"]).key)
    ProductOrder.objects.filter(pk=order.pk).update(last_progress_at=timezone.now() - timedelta(hours=2))
    events = OutboxEvent.objects.count()
    assert services.product_order_sweep_stalled() == 0
    assert OutboxEvent.objects.count() == events
    assert ProductOrder.objects.get(pk=order.pk).fallout_requested_at is None


def test_the_sweeper_files_a_held_order_whose_case_is_gone(com):
    order = held_on_ip(com)
    ProductOrder.objects.filter(pk=order.pk).update(last_progress_at=timezone.now() - timedelta(hours=2))
    assert services.product_order_sweep_stalled() == 1
    event = OutboxEvent.objects.get(event_type="FalloutRequested")
    assert (event.payload["kind"], event.payload["context"]["state"]) == ("order_stalled", "held")


def open_case(order, com):
    ip = service_item(order, com.catalog.service_specs["IP Address"])
    return fallout_case_open(source="activation", kind="stepFailed", summary=REFUSED, product_order_id=str(order.pk),
                             service_order_id=ip.service_order_id, item_key=ip.key)


def test_an_operator_cancelling_the_case_gives_up_on_the_part(com):
    order = held_on_ip(com)
    case = open_case(order, com)
    outbox_drain()
    fallout_case_cancel(case_id=case.pk, actor="olga", reason="pool exhausted for good")
    outbox_drain()
    order = ProductOrder.objects.get(pk=order.pk)
    assert states(order) == ("failed", {"1": "failed"})
    assert "the operator gave up in fallout: pool exhausted for good" in order.state_reasons[0]


def test_an_operator_resolving_the_case_without_re_drive_gives_up_too(com):
    order = held_on_ip(com)
    case = open_case(order, com)
    fallout_case_resolve(case_id=case.pk, actor="olga", reason="done by hand elsewhere")
    outbox_drain()
    assert states(order) == ("failed", {"1": "failed"})


def test_the_system_resolving_the_case_is_not_giving_up():
    payload = {"source": "activation", "state": "resolved", "actor": "system", "service_order_id": "so-1",
               "item_key": "k"}
    assert not handlers._operator_closed_activation_case(payload)
    assert handlers._operator_closed_activation_case({**payload, "actor": "olga"})
    assert not handlers._operator_closed_activation_case({**payload, "actor": "olga", "source": "reconciliation"})
    assert not handlers._operator_closed_activation_case({**payload, "actor": "olga", "state": "inProgress"})
