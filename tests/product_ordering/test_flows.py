"""COM end to end with the real worker: the API takes the order, subscribers validate, decompose, submit and
correlate. The test plays activation by emitting its events (docs/contracts.md) for COM's submissions."""
import pytest
from django.db import transaction

from apps.product_inventory.models import Product
from apps.product_ordering.models import CancelProductOrder, ProductOrder, ServiceItem, ServiceOrderSubmission
from bss.events import event_emit

from .conftest import ORDERING, order_body, post

pytestmark = pytest.mark.flows


def state_of(order_id):
    return ProductOrder.objects.filter(pk=order_id).values_list("state", flat=True).first()


def submitted(order_id, attempt):
    return ServiceOrderSubmission.objects.filter(order_item__order_id=order_id, attempt=attempt).exists()


def emit_outcome(com, order_id, spec_name, state, error=None):
    """What activation emits when a service order item reaches a stable state."""
    spec = com.catalog.service_specs[spec_name]
    item = ServiceItem.objects.get(order_item__order_id=order_id, service_spec_id=str(spec.pk))
    submission = item.order_item.submissions.order_by("-attempt").first()
    with transaction.atomic():
        event_emit(event_type="ServiceOrderItemStateChangeEvent", resource_type="serviceOrder",
                   resource_id=submission.service_order_id,
                   payload={"service_order_id": submission.service_order_id, "external_id": submission.external_id,
                            "key": item.key, "state": state, "service_id": f"svc-{item.key}", "error": error})


def order_placed(api, com, eventually, **kwargs):
    response = post(api, ORDERING + "productOrder", order_body(com, **kwargs), com.token)
    assert (response.status_code, response.json()["state"]) == (201, "acknowledged")
    order_id = response.json()["id"]
    if kwargs.get("account", True):
        eventually(lambda: submitted(order_id, 1), timeout=30, message="order was not submitted")
        assert state_of(order_id) == "inProgress"
    return order_id


def test_transient_failure_is_retried_then_the_order_completes(api, com, worker, eventually):
    order_id = order_placed(api, com, eventually)
    emit_outcome(com, order_id, "Fibre Access", "failed", error={"message": "olt timeout", "transient": True})
    emit_outcome(com, order_id, "IP Address", "cancelled")
    emit_outcome(com, order_id, "Managed CPE", "cancelled")
    eventually(lambda: submitted(order_id, 2), timeout=30, message="no retry")
    for spec in ("Fibre Access", "IP Address", "Managed CPE"):
        emit_outcome(com, order_id, spec, "completed")
    eventually(lambda: state_of(order_id) == "completed", timeout=30, message="order did not complete")
    product = Product.objects.get()
    assert (product.status, len(product.realizing_services)) == ("active", 3)
    body = api.get(f"{ORDERING}productOrder/{order_id}", HTTP_AUTHORIZATION=f"Bearer {com.token}").json()
    assert body["productOrderItem"][0]["product"]["id"] == str(product.pk)


def test_optional_cpe_failing_makes_the_order_partial(api, com, worker, eventually):
    order_id = order_placed(api, com, eventually)
    emit_outcome(com, order_id, "Fibre Access", "completed")
    emit_outcome(com, order_id, "IP Address", "completed")
    emit_outcome(com, order_id, "Managed CPE", "failed", error="cpe_manager: HTTP 503 service unavailable")
    eventually(lambda: state_of(order_id) == "partial", timeout=30, message="order did not end partial")
    assert Product.objects.get().status == "pendingActive"


def test_a_required_part_failing_is_compensated_then_the_order_fails(api, com, worker, eventually):
    order_id = order_placed(api, com, eventually)
    emit_outcome(com, order_id, "Fibre Access", "completed")
    emit_outcome(com, order_id, "Managed CPE", "completed")
    emit_outcome(com, order_id, "IP Address", "failed", error="ipam: pool exhausted")
    eventually(lambda: state_of(order_id) == "failed", timeout=30, message="order did not fail")
    assert sorted(ServiceItem.objects.filter(order_item__order_id=order_id).values_list("state", flat=True)) == [
        "compensated", "compensated", "failed"]
    assert Product.objects.get().status == "pendingTerminate"


def test_cancel_before_start_cancels_the_order(api, com, worker, eventually):
    order_id = order_placed(api, com, eventually, account=False)
    eventually(lambda: state_of(order_id) == "pending", timeout=30, message="order did not wait for information")
    response = post(api, ORDERING + "cancelProductOrder", {"productOrder": {"id": order_id}}, com.token)
    assert response.status_code == 201
    eventually(lambda: state_of(order_id) == "cancelled", timeout=30, message="order was not cancelled")
    assert CancelProductOrder.objects.get().state == "done"
    assert ServiceOrderSubmission.objects.count() == 0


def test_cancel_after_start_compensates_what_was_built(api, com, worker, eventually):
    order_id = order_placed(api, com, eventually)
    emit_outcome(com, order_id, "Fibre Access", "completed")
    eventually(lambda: ServiceItem.objects.filter(state="completed").count() == 1, timeout=30,
               message="outcome not recorded")
    response = post(api, ORDERING + "cancelProductOrder", {"productOrder": {"id": order_id}}, com.token)
    assert response.status_code == 201
    eventually(lambda: state_of(order_id) == "pendingCancellation", timeout=30, message="cancel not processed")
    emit_outcome(com, order_id, "IP Address", "cancelled")
    emit_outcome(com, order_id, "Managed CPE", "cancelled")
    eventually(lambda: state_of(order_id) == "cancelled", timeout=30, message="order was not cancelled")
    assert CancelProductOrder.objects.get().state == "done"
    assert sorted(ServiceItem.objects.values_list("state", flat=True)) == ["cancelled", "cancelled", "compensated"]
    assert Product.objects.count() == 0
