"""TMF637 product inventory: outcomes from COM, the back-office API, isolation, and the status machine."""
import json

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from apps.product_inventory import services
from apps.product_inventory.choices import ProductStatus as S
from apps.product_inventory.models import Product
from bss.fsm import transition_history
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error, bearer

PRODUCTS = "/tmf-api/productInventory/v4/product"

STATUS = {
    "activate": ({S.CREATED, S.PENDING_ACTIVE, S.SUSPENDED, S.ACTIVE}, S.ACTIVE),
    "mark_pending_active": ({S.CREATED, S.ACTIVE, S.PENDING_ACTIVE}, S.PENDING_ACTIVE),
    "suspend": ({S.ACTIVE, S.SUSPENDED}, S.SUSPENDED),
    "mark_pending_terminate": ({S.CREATED, S.PENDING_ACTIVE, S.ACTIVE, S.SUSPENDED, S.PENDING_TERMINATE},
                               S.PENDING_TERMINATE),
    "terminate": ({S.CREATED, S.PENDING_ACTIVE, S.ACTIVE, S.SUSPENDED, S.PENDING_TERMINATE}, S.TERMINATED),
    "abort": ({S.CREATED, S.PENDING_ACTIVE}, S.ABORTED),
    "cancel": ({S.CREATED, S.PENDING_ACTIVE}, S.CANCELLED),
}


@pytest.mark.parametrize("transition, state, sources, target", [
    pytest.param(name, state, sources, target, id=f"{name}-{state}")
    for name, (sources, target) in STATUS.items() for state in S])
def test_status_transition_matrix(transition, state, sources, target):
    product = Product(status=state)
    bound = getattr(product, transition)
    if state in sources:
        bound()
        assert product.status == target
    else:
        assert not can_proceed(bound)
        with pytest.raises(TransitionNotAllowed):
            bound()
        assert product.status == state


def test_every_declared_transition_is_in_the_table():
    assert {t.name for t in Product._meta.get_field("status").get_all_transitions(Product)} == set(STATUS)


def facts(owner, **extra):
    return {"origin_key": "order-1:1", "owner_party_id": owner.pk, "status": "active", "reason": "order completed",
            "order_id": "order-1", "order_item_id": "1", "action": "add", "name": "Fiber",
            "customer_party_id": "cust-1", "billing_account_id": "acc-1", "offering_id": "off-1",
            "offering_name": "Fiber", "characteristics": {"bandwidth": "1G"},
            "prices": [{"name": "Monthly", "price_type": "recurring", "recurring_period": "month", "amount": 10,
                        "currency": "EUR", "tax_rate": 20}],
            "related_parties": [{"party_id": "cust-1", "role": "customer", "name": "ACME", "kind": "Organization"}],
            "realizing_services": [{"service_id": "svc-1", "service_spec_id": "spec-1", "name": "Access"}], **extra}


def test_an_outcome_creates_the_product_once_and_logs_its_status(channel_a):
    party, _ = channel_a
    first = services.product_upsert_from_order(facts=facts(party))
    again = services.product_upsert_from_order(facts=facts(party))
    assert first.pk == again.pk
    assert Product.objects.count() == 1
    assert (first.status, first.start_date is not None) == ("active", True)
    assert [(t.source_state, t.target_state) for t in transition_history(first)] == [("created", "active")]
    assert list(OutboxEvent.objects.values_list("event_type", flat=True).order_by("created_at")) == [
        "ProductCreateEvent", "ProductStateChangeEvent"]


def test_status_set_moves_through_the_machine_and_refuses_illegal_moves(channel_a):
    from bss.errors import IllegalTransition

    party, _ = channel_a
    product = services.product_upsert_from_order(facts=facts(party))
    assert services.product_status_set(product_id=product.pk, status="suspended", reason="unpaid").status == \
        "suspended"
    terminated = services.product_status_set(product_id=product.pk, status="terminated", reason="ceased")
    assert terminated.termination_date is not None
    with pytest.raises(IllegalTransition):
        services.product_status_set(product_id=product.pk, status="active")
    assert Product.objects.get(pk=product.pk).status == "terminated"


def test_the_channel_lists_and_reads_its_products_with_every_ctk_attribute(api, channel_a, channel_b):
    party, token = channel_a
    product = services.product_upsert_from_order(facts=facts(party))
    listed = api.get(PRODUCTS, **bearer(token))
    assert (listed.status_code, listed["X-Total-Count"]) == (200, "1")
    body = listed.json()[0]
    assert body == api.get(f"{PRODUCTS}/{product.pk}", **bearer(token)).json()
    assert set(body) >= {"billingAccount", "href", "id", "productCharacteristic", "productOffering", "productPrice",
                         "relatedParty", "status"}
    assert body["productCharacteristic"] == [{"name": "bandwidth", "value": "1G"}]
    assert body["productPrice"] == [{"name": "Monthly", "priceType": "recurring", "recurringChargePeriod": "month",
                                     "price": {"dutyFreeAmount": {"unit": "EUR", "value": 10.0}, "taxRate": 20.0}}]
    assert body["relatedParty"] == [{"id": "cust-1", "name": "ACME", "role": "customer",
                                     "@referredType": "Organization"}]
    assert body["realizingService"] == [{"id": "svc-1", "name": "Access", "@referredType": "Service",
                                         "href": "http://testserver/tmf-api/serviceInventory/v4/service/svc-1"}]
    assert body["productOrderItem"] == [{"orderItemId": "1", "productOrderId": "order-1", "orderItemAction": "add",
                                         "productOrderHref": body["productOrderItem"][0]["productOrderHref"],
                                         "@referredType": "ProductOrder"}]
    assert [p["id"] for p in api.get(f"{PRODUCTS}?status=active", **bearer(token)).json()] == [str(product.pk)]
    assert api.get(f"{PRODUCTS}?status=suspended", **bearer(token)).json() == []
    assert api.get(f"{PRODUCTS}?fields=status", **bearer(token)).json()[0].keys() == {"id", "href", "@type",
                                                                                        "status"}
    _, other = channel_b
    assert api.get(PRODUCTS, **bearer(other)).json() == []
    assert_tmf_error(api.get(f"{PRODUCTS}/{product.pk}", **bearer(other)), 404)
    assert_tmf_error(api.get(f"{PRODUCTS}/55a2163b-489e-4138-93e9-8becb24272f2", **bearer(token)), 404)


def test_channels_cannot_write_products(api, channel_a):
    party, token = channel_a
    product = services.product_upsert_from_order(facts=facts(party))
    assert_tmf_error(api.post(PRODUCTS, data=json.dumps({"status": "active"}), content_type="application/json",
                              **bearer(token)), 403)
    assert_tmf_error(api.patch(f"{PRODUCTS}/{product.pk}", data=json.dumps({"status": "suspended"}),
                               content_type="application/json", **bearer(token)), 403)
    assert Product.objects.get().status == "active"


def test_back_office_creates_and_patches_products(api, admin_user):
    api.force_login(admin_user)
    created = api.post(PRODUCTS, data=json.dumps({
        "name": "Legacy line", "status": "active", "productOffering": {"id": "off-9", "name": "Legacy"},
        "productCharacteristic": [{"name": "codec", "value": "G.711"}],
        "relatedParty": [{"id": "cust-9", "role": "customer", "@referredType": "Individual"}],
        "productPrice": [{"priceType": "recurring", "price": {"dutyFreeAmount": {"unit": "EUR", "value": 5}}}],
    }), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["productOffering"]["id"], created["Location"]) == ("active", "off-9", body["href"])
    patched = api.patch(f"{PRODUCTS}/{body['id']}", data=json.dumps({"status": "suspended", "name": "Legacy 2"}),
                        content_type="application/merge-patch+json")
    assert (patched.status_code, patched.json()["status"], patched.json()["name"]) == (200, "suspended", "Legacy 2")
    refused = api.patch(f"{PRODUCTS}/{body['id']}", data=json.dumps({"status": "pendingActive"}),
                        content_type="application/merge-patch+json")
    assert_tmf_error(refused, 409)
    assert_tmf_error(api.post(PRODUCTS, data=json.dumps({"name": "x"}), content_type="application/json"), 400)
    assert Product.objects.get().status == "suspended"


def test_a_concurrent_status_change_on_a_stale_copy_is_refused(channel_a):
    party, _ = channel_a
    product = services.product_upsert_from_order(facts=facts(party))
    first, second = Product.objects.get(pk=product.pk), Product.objects.get(pk=product.pk)
    first.suspend()
    first.save()
    second.terminate()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert Product.objects.get(pk=product.pk).status == "suspended"


def test_demo_products_carry_what_the_ctk_reads(db):
    from apps.parties import demo as parties_demo
    from apps.product_inventory import demo

    parties_demo.seed()
    demo.seed()
    demo.seed()
    assert Product.objects.count() == 2
    assert all(p.billing_account_id and p.offering_id and p.prices and p.characteristics and p.related_parties
               for p in Product.objects.all())


def test_products_follow_their_services_suspension_resumption_and_termination(channel_a):
    party, _ = channel_a
    services_ = [{"service_id": "svc-access", "service_spec_id": "a", "name": "Access"},
                 {"service_id": "svc-cpe", "service_spec_id": "c", "name": "CPE"}]
    product = services.product_upsert_from_order(facts=facts(party, realizing_services=services_))
    follow = services.product_status_follow_service
    assert [p.status for p in follow(service_id="svc-cpe", service_state="suspended")] == ["suspended"]
    assert follow(service_id="svc-cpe", service_state="suspended") == []  # replay: nothing moves
    assert [p.status for p in follow(service_id="svc-cpe", service_state="active")] == ["active"]
    assert follow(service_id="svc-cpe", service_state="terminated") == []  # an optional part ended
    assert follow(service_id="svc-access", service_state="inactive") == []
    assert [p.status for p in follow(service_id="svc-access", service_state="terminated")] == ["terminated"]
    assert follow(service_id="svc-access", service_state="active") == []
    assert Product.objects.get(pk=product.pk).status == "terminated"


def test_a_product_being_fulfilled_does_not_follow_service_activation(channel_a):
    party, _ = channel_a
    product = services.product_upsert_from_order(facts=facts(party, status="pendingActive"))
    assert services.product_status_follow_service(service_id="svc-1", service_state="active") == []
    assert Product.objects.get(pk=product.pk).status == "pendingActive"


def test_listing_products_costs_the_same_queries_for_1_or_10_products(api, channel_a):
    from bss.testing import count_queries

    party, token = channel_a
    services.product_upsert_from_order(facts=facts(party))
    _, one = count_queries(lambda: api.get(PRODUCTS, **bearer(token)))
    for index in range(9):
        services.product_upsert_from_order(facts=facts(party, origin_key=f"o:{index}"))
    response, ten = count_queries(lambda: api.get(PRODUCTS, **bearer(token)))
    assert (len(response.json()), ten) == (10, one)
