"""COM's lifecycle driven through its services (the subscribers' calls), activation played by the test."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.product_inventory.models import Product
from apps.product_ordering import services
from apps.product_ordering.models import CancelProductOrder, ProductOrder, ServiceItem, ServiceOrderSubmission
from bss.errors import IllegalTransition
from bss.models import OutboxEvent

from .helpers import outcome, place, service_item, states


def specs(com, *names):
    return [com.catalog.service_specs[name] for name in names]


def finish_all(order, com, *names, state="completed"):
    for spec in specs(com, *names):
        order = outcome(order, spec, state)
    return order


def test_business_fiber_decomposes_into_access_ip_and_optional_cpe(com, standin_gateway):
    order = place(com)
    access, ip, cpe = (service_item(order, s) for s in specs(com, "Fibre Access", "IP Address", "Managed CPE"))
    assert states(order) == ("inProgress", {"1": "inProgress"})
    assert [(s.action, s.optional, s.state) for s in (access, ip, cpe)] == [
        ("add", False, "submitted"), ("add", False, "submitted"), ("add", True, "submitted")]
    assert access.characteristics == {"bandwidth": "1G"}
    assert ip.characteristics == {"ip_type": "static"}
    assert cpe.characteristics == {"router_model": "Cisco C1111"}
    assert (ip.relies_on, cpe.relies_on, access.relies_on) == ([access.key], [access.key], [])
    item = order.items.get()
    assert access.key == f"{item.pk}:{access.rule_id}"
    assert standin_gateway.calls == [("submit", f"{order.pk}:1:1", [access.key, ip.key, cpe.key])]
    submission = ServiceOrderSubmission.objects.get()
    assert (submission.external_id, submission.service_order_id, submission.attempt) == (
        f"{order.pk}:1:1", f"so-{order.pk}:1:1", 1)
    assert access.service_order_id == submission.service_order_id


def test_validating_again_plans_and_submits_nothing_new(com, standin_gateway):
    order = place(com)
    services.product_order_validate(order_id=order.pk)
    assert ServiceItem.objects.filter(order_item__order=order).count() == 3
    assert ServiceOrderSubmission.objects.count() == 1
    assert len(standin_gateway.calls) == 1


def test_all_parts_done_completes_the_order_and_activates_the_product(com):
    order = finish_all(place(com), com, "Fibre Access", "IP Address", "Managed CPE")
    assert states(order) == ("completed", {"1": "completed"})
    product = Product.objects.get()
    offering = com.catalog.offering("Business Fiber 1 Gbps")
    assert (product.status, product.offering_id, product.offering_name) == ("active", str(offering.pk),
                                                                             "Business Fiber 1 Gbps")
    assert product.customer_party_id == str(com.customer.pk)
    assert product.billing_account_id == str(com.account.pk)
    assert product.owner_id == com.channel.pk
    assert sorted(s["service_spec_id"] for s in product.realizing_services) == sorted(
        str(s.pk) for s in specs(com, "Fibre Access", "IP Address", "Managed CPE"))
    assert product.characteristics == {"bandwidth": "1G", "ip_type": "static", "router_model": "Cisco C1111"}
    assert [p["name"] for p in product.prices] == ["Business Fiber installation", "Business Fiber monthly"]
    assert order.items.get().result_product_id == str(product.pk)
    assert list(OutboxEvent.objects.filter(event_type="ProductOrderStateChangeEvent")
                .values_list("payload__state", flat=True)) == ["inProgress", "completed"]


def test_a_replayed_outcome_changes_nothing(com):
    order = finish_all(place(com), com, "Fibre Access", "IP Address", "Managed CPE")
    events = OutboxEvent.objects.count()
    order = outcome(order, com.catalog.service_specs["Fibre Access"], "completed")
    assert order.state == "completed"
    assert OutboxEvent.objects.count() == events
    assert Product.objects.count() == 1


def test_optional_cpe_failing_ends_partial_with_a_pending_active_product(com, standin_gateway):
    order = finish_all(place(com), com, "Fibre Access", "IP Address")
    order = outcome(order, com.catalog.service_specs["Managed CPE"], "failed", error="cpe_manager: HTTP 503")
    assert states(order) == ("partial", {"1": "completed"})
    assert order.state_reasons == ["item 1: " + f"{com.catalog.service_specs['Managed CPE'].pk} (optional): "
                                   "cpe_manager: HTTP 503"]
    assert Product.objects.get().status == "pendingActive"
    assert [call[0] for call in standin_gateway.calls] == ["submit"]  # nothing compensated


def test_transient_failure_is_retried_with_the_parts_cancelled_because_of_it(com, standin_gateway):
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = place(com)
    order = outcome(order, access_spec, "failed", error={"message": "olt timeout", "transient": True})
    order = outcome(order, ip_spec, "cancelled")  # activation cancels what relied on the failed access
    assert standin_gateway.calls[-1][0] == "submit" and len(standin_gateway.calls) == 1  # waits for the CPE
    order = outcome(order, cpe_spec, "cancelled")
    assert states(order) == ("inProgress", {"1": "inProgress"})
    keys = [service_item(order, s).key for s in (access_spec, ip_spec, cpe_spec)]
    assert standin_gateway.calls[-1] == ("submit", f"{order.pk}:1:2", keys)
    order = finish_all(order, com, "Fibre Access", "IP Address", "Managed CPE")
    assert states(order) == ("completed", {"1": "completed"})
    assert order.items.get().attempts == 2


def test_transient_failures_of_every_part_are_retried_with_a_counted_limit(com, standin_gateway, settings):
    settings.BSS_ORDER_MAX_RETRIES = 2
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = finish_all(place(com), com, "IP Address", "Managed CPE")
    order = outcome(order, access_spec, "failed", error={"message": "olt timeout", "transient": True})
    assert states(order) == ("inProgress", {"1": "inProgress"})
    assert standin_gateway.calls[-1] == ("submit", f"{order.pk}:1:2", [service_item(order, access_spec).key])
    order = outcome(order, access_spec, "completed")
    assert states(order) == ("completed", {"1": "completed"})
    assert order.items.get().attempts == 2
    assert Product.objects.get().status == "active"


def test_exhausted_retries_compensate_what_was_built_then_fail(com, standin_gateway, settings):
    settings.BSS_ORDER_MAX_RETRIES = 1
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = finish_all(place(com), com, "IP Address", "Managed CPE")
    order = outcome(order, access_spec, "failed", error="transient: olt busy")
    order = outcome(order, access_spec, "failed", error="transient: olt busy")
    assert states(order) == ("failed", {"1": "failed"})
    ip, cpe = service_item(order, ip_spec), service_item(order, cpe_spec)
    assert (ip.state, cpe.state) == ("compensated", "compensated")
    assert standin_gateway.calls[-2:] == [("compensate", f"so-{order.pk}:1:1", cpe.key),
                                          ("compensate", f"so-{order.pk}:1:1", ip.key)]
    assert order.items.get().attempts == 2
    assert Product.objects.get().status == "pendingTerminate"  # parts were built and are being removed


def test_non_optional_failure_compensates_then_fails(com, standin_gateway):
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = finish_all(place(com), com, "Fibre Access", "Managed CPE")
    order = outcome(order, ip_spec, "failed", error="ipam: pool exhausted")
    assert states(order) == ("failed", {"1": "failed"})
    assert order.state_reasons == [f"item 1: {ip_spec.pk}: ipam: pool exhausted"]
    assert [c[0] for c in standin_gateway.calls] == ["submit", "compensate", "compensate"]
    assert {service_item(order, s).state for s in (access_spec, cpe_spec)} == {"compensated"}
    assert Product.objects.get().status == "pendingTerminate"


def test_failure_with_nothing_built_aborts_the_product(com):
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = outcome(place(com), access_spec, "failed", error="olt refused")
    order = outcome(order, ip_spec, "cancelled")
    order = outcome(order, cpe_spec, "cancelled")
    assert states(order) == ("failed", {"1": "failed"})
    assert Product.objects.get().status == "aborted"


@pytest.mark.parametrize("change, reason", [
    ({"relatedParty": [{"id": "nobody", "@referredType": "Individual"}]}, "relatedParty: party nobody is unknown"),
    ({"productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": "no-such-offering"}}]},
     "item 1: offering no-such-offering (version newest) is unknown"),
    ({"productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": "OFFER"},
                            "product": {"productCharacteristic": [{"name": "bandwidth", "value": "10G"}]}}]},
     "item 1: '10G' is not an allowed value of 'bandwidth'"),
    ({"productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": "OFFER"},
                            "product": {"productCharacteristic": [{"name": "colour", "value": "red"}]}}]},
     "item 1: characteristic 'colour' is not defined for Business Fiber 1 Gbps"),
    ({"productOrderItem": [{"id": "1", "action": "add"}]}, "item 1: productOffering is required to add a product"),
    ({"productOrderItem": [{"id": "1", "action": "modify", "product": {"id": "no-such-product"}}]},
     "item 1: product no-such-product is unknown"),
])
def test_invalid_orders_are_rejected_with_reasons_and_nothing_is_submitted(com, standin_gateway, change, reason):
    from apps.product_ordering.api.serializers import ProductOrderCreateSerializer

    from .conftest import order_body

    body = {**order_body(com), **change}
    offering = str(com.catalog.offering("Business Fiber 1 Gbps").pk)
    for item in body["productOrderItem"]:
        if item.get("productOffering", {}).get("id") == "OFFER":
            item["productOffering"]["id"] = offering
    serializer = ProductOrderCreateSerializer(data=body)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    order = services.product_order_submit(owner=com.channel, external_id="", attributes=data["attributes"],
                                          items=data["items"])
    services.product_order_validate(order_id=order.pk)
    order.refresh_from_db()
    assert states(order) == ("rejected", {"1": "rejected"})
    assert order.state_reasons == [reason]
    assert ServiceItem.objects.count() == 0
    assert standin_gateway.calls == []


def test_a_billing_account_of_another_customer_is_rejected(com):
    from apps.parties.models import BillingAccount

    jane_account = BillingAccount.objects.get(name="Jane Doe account")
    com.account = jane_account
    order = place(com)
    assert order.state == "rejected"
    assert order.state_reasons == [f"billingAccount: billing account {jane_account.pk} does not belong to party "
                                   f"{com.customer.pk}"]


def test_a_missing_billing_account_waits_for_it_then_the_order_goes_on(com, standin_gateway):
    order = place(com, account=False)
    assert states(order) == ("pending", {"1": "acknowledged"})
    assert OutboxEvent.objects.filter(event_type="ProductOrderInformationRequiredEvent",
                                      payload__missing=["billingAccount"]).count() == 1
    services.product_order_update(order=order, changes={"billing_account_id": str(com.account.pk)})
    services.product_order_validate(order_id=order.pk)  # what the AttributeValueChangeEvent subscriber runs
    assert states(order) == ("inProgress", {"1": "inProgress"})
    assert len(standin_gateway.calls) == 1


def broadband_and_voip(com):
    return [
        {"id": "net", "action": "add", "productOffering": {"id": str(com.catalog.offering("Home Broadband 500 Mbps").pk)}},
        {"id": "tv", "action": "add", "productOffering": {"id": str(com.catalog.offering("VoIP Line").pk)},
         "productOrderItemRelationship": [{"id": "net", "relationshipType": "reliesOn"}]},
    ]


def test_an_item_relying_on_another_waits_until_it_is_done(com, standin_gateway):
    order = place(com, body_items=broadband_and_voip(com))
    assert states(order) == ("inProgress", {"net": "inProgress", "tv": "pending"})
    assert len(standin_gateway.calls) == 1
    order = finish_all(order, com, "Fibre Access", "IP Address")
    assert states(order) == ("inProgress", {"net": "completed", "tv": "inProgress"})
    assert standin_gateway.calls[-1][1] == f"{order.pk}:tv:1"
    order = finish_all(order, com, "VoIP")
    assert states(order) == ("completed", {"net": "completed", "tv": "completed"})
    assert Product.objects.count() == 2


def test_an_item_relying_on_a_failed_one_is_cancelled(com, standin_gateway):
    order = place(com, body_items=broadband_and_voip(com))
    order = outcome(order, com.catalog.service_specs["Fibre Access"], "failed", error="olt refused")
    order = outcome(order, com.catalog.service_specs["IP Address"], "cancelled")
    assert states(order) == ("failed", {"net": "failed", "tv": "cancelled"})
    assert len([c for c in standin_gateway.calls if c[0] == "submit"]) == 1


def test_modify_then_delete_act_on_the_existing_product_and_its_services(com, standin_gateway):
    voip = com.catalog.offering("VoIP Line")
    order = place(com, body_items=[{"id": "1", "action": "add", "productOffering": {"id": str(voip.pk)},
                                    "product": {"productCharacteristic": [{"name": "phone_number",
                                                                           "value": "+431234"}]}}])
    order = finish_all(order, com, "VoIP")
    product = Product.objects.get()
    assert product.characteristics == {"codec": "G.711", "phone_number": "+431234"}
    service_id = product.realizing_services[0]["service_id"]

    order = place(com, body_items=[{"id": "1", "action": "modify", "product": {
        "id": str(product.pk), "productCharacteristic": [{"name": "codec", "value": "G.722"}]}}])
    voip_item = service_item(order, com.catalog.service_specs["VoIP"])
    assert (voip_item.action, voip_item.service_id) == ("modify", service_id)
    assert voip_item.characteristics == {"codec": "G.722", "phone_number": "+431234"}
    order = outcome(order, com.catalog.service_specs["VoIP"], "completed", service_id=service_id)
    product.refresh_from_db()
    assert (order.state, product.status, product.characteristics["codec"]) == ("completed", "active", "G.722")

    order = place(com, body_items=[{"id": "1", "action": "delete", "product": {"id": str(product.pk)}}])
    assert service_item(order, com.catalog.service_specs["VoIP"]).action == "delete"
    order = outcome(order, com.catalog.service_specs["VoIP"], "completed", service_id=service_id)
    product.refresh_from_db()
    assert (order.state, product.status, Product.objects.count()) == ("completed", "terminated", 1)
    assert [ref["action"] for ref in product.order_items] == ["add", "modify", "delete"]


def _cancel(com, order):
    task = services.cancel_product_order_create(owner=com.channel, order_id=order.pk, reason="changed my mind")
    services.cancel_product_order_process(cancel_id=task.pk)
    return CancelProductOrder.objects.get(pk=task.pk)


def test_cancel_before_start_cancels_everything_without_asking_activation(com, standin_gateway):
    from apps.product_ordering.api.serializers import ProductOrderCreateSerializer

    from .conftest import order_body

    serializer = ProductOrderCreateSerializer(data=order_body(com))
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    order = services.product_order_submit(owner=com.channel, attributes=data["attributes"], items=data["items"])
    task = _cancel(com, order)
    services.product_order_validate(order_id=order.pk)  # a late validation finds nothing to do
    assert states(order) == ("cancelled", {"1": "cancelled"})
    assert (task.state, task.effective_cancellation_date is not None) == ("done", True)
    assert standin_gateway.calls == []
    assert list(OutboxEvent.objects.filter(event_type="CancelProductOrderStateChangeEvent")
                .values_list("payload__state", flat=True)) == ["inProgress", "done"]


def test_cancel_after_start_cancels_service_orders_and_compensates_what_completed(com, standin_gateway):
    access_spec, ip_spec, cpe_spec = specs(com, "Fibre Access", "IP Address", "Managed CPE")
    order = outcome(place(com), access_spec, "completed")
    task = _cancel(com, order)
    assert states(order) == ("pendingCancellation", {"1": "inProgress"})
    assert task.state == "inProgress"
    assert [call for call in standin_gateway.calls if call[0] == "cancel"] == [("cancel", f"so-{order.pk}:1:1")]
    order = outcome(order, ip_spec, "cancelled")
    order = outcome(order, cpe_spec, "completed")  # finished before the cancel reached it
    assert states(order) == ("cancelled", {"1": "cancelled"})
    assert {service_item(order, s).state for s in (access_spec, cpe_spec)} == {"compensated"}
    assert CancelProductOrder.objects.get(pk=task.pk).state == "done"
    assert Product.objects.count() == 0


def test_cancel_refused_by_activation_ends_the_task_with_error_and_asks_for_information(com, settings):
    settings.BSS_SERVICE_ORDERING_GATEWAY = "tests.product_ordering.standin.RefusingGateway"
    order = place(com)
    task = _cancel(com, order)
    assert (task.state, task.error) == ("terminatedWithError",
                                        "activation refused to cancel: service order already finished")
    assert OutboxEvent.objects.filter(event_type="CancelProductOrderInformationRequiredEvent").count() == 1
    assert OutboxEvent.objects.filter(event_type="FalloutRequested", payload__kind="cancellation_failed").count() == 1


def test_a_completed_order_cannot_be_cancelled_and_nothing_changes(com):
    order = finish_all(place(com), com, "Fibre Access", "IP Address", "Managed CPE")
    events = OutboxEvent.objects.count()
    with pytest.raises(IllegalTransition):
        services.cancel_product_order_create(owner=com.channel, order_id=order.pk, reason="too late")
    assert ProductOrder.objects.get(pk=order.pk).state == "completed"
    assert (CancelProductOrder.objects.count(), OutboxEvent.objects.count()) == (0, events)


def test_a_stalled_order_becomes_one_fallout_case(com):
    order = place(com)
    ProductOrder.objects.filter(pk=order.pk).update(last_progress_at=timezone.now() - timedelta(hours=2))
    assert services.product_order_sweep_stalled() == 1
    assert services.product_order_sweep_stalled() == 0
    event = OutboxEvent.objects.get(event_type="FalloutRequested")
    assert (event.payload["source"], event.payload["kind"], event.payload["product_order_id"]) == (
        "ordering", "order_stalled", str(order.pk))


def test_a_service_order_refused_by_activation_fails_the_order(com, settings):
    settings.BSS_SERVICE_ORDERING_GATEWAY = "tests.product_ordering.standin.RejectingGateway"
    order = place(com)
    assert states(order) == ("failed", {"1": "failed"})
    assert ServiceItem.objects.filter(state="failed").count() == 3
    assert Product.objects.get().status == "aborted"


def test_activation_unreachable_leaves_the_order_acknowledged_for_a_retry(com, settings):
    from bss.errors import Unavailable

    settings.BSS_SERVICE_ORDERING_GATEWAY = "tests.product_ordering.standin.DownGateway"
    with pytest.raises(Unavailable):
        place(com)
    order = ProductOrder.objects.get()
    assert states(order) == ("acknowledged", {"1": "acknowledged"})
    assert (ServiceItem.objects.count(), ServiceOrderSubmission.objects.count()) == (0, 0)
    settings.BSS_SERVICE_ORDERING_GATEWAY = "tests.product_ordering.standin.RecordingGateway"
    services.product_order_validate(order_id=order.pk)  # the redelivered event
    assert states(order) == ("inProgress", {"1": "inProgress"})


def test_an_activation_rejection_of_a_part_fails_it(com):
    order = finish_all(place(com), com, "Fibre Access", "Managed CPE")
    order = outcome(order, com.catalog.service_specs["IP Address"], "rejected", error="unknown spec")
    assert states(order) == ("failed", {"1": "failed"})
