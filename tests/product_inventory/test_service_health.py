"""TMF637 products follow their realizing services' TMF638 operating status (docs/activation.md)."""
import json

import pytest
from django.test import override_settings

from apps.product_inventory import services
from apps.product_inventory.models import Product
from bss.models import OutboxEvent
from bss.testing import bearer, outbox_drain

from .test_products import PRODUCTS, facts

TWO_SERVICES = [{"service_id": "svc-access", "service_spec_id": "a", "name": "Access"},
                {"service_id": "svc-cpe", "service_spec_id": "c", "name": "CPE"}]
HEALTH = {"name": "serviceHealth", "valueType": "string", "value": "degraded"}
SUSPEND_IP = override_settings(BSS_PRODUCT_STATUS_ON_DEGRADED={"ip_address": "suspended"})


def product_events():
    return list(OutboxEvent.objects.filter(resource_type="product").order_by("created_at")
                .values_list("event_type", flat=True))


def follow(service_id, operating_status, family="ip_address"):
    return [(str(p.pk), p.status, p.degraded_services) for p in services.product_follow_service_health(
        service_id=service_id, operating_status=operating_status, family=family)]


@pytest.fixture
def product(channel_a):
    party, _ = channel_a
    created = services.product_upsert_from_order(facts=facts(party, realizing_services=TWO_SERVICES))
    OutboxEvent.objects.all().delete()
    return created


def test_a_degraded_service_leaves_the_product_active_with_a_health_characteristic(api, channel_a, product):
    _, token = channel_a

    assert follow("svc-cpe", "degraded") == [(str(product.pk), "active", ["svc-cpe"])]
    assert follow("svc-cpe", "degraded") == []  # replay: nothing changes, nothing is emitted

    body = api.get(f"{PRODUCTS}/{product.pk}", **bearer(token)).json()
    assert (body["status"], body["productCharacteristic"]) == ("active", [{"name": "bandwidth", "value": "1G"},
                                                                          HEALTH])
    assert product_events() == ["ProductAttributeValueChangeEvent"]


def test_the_health_characteristic_goes_when_the_last_degraded_service_recovers(api, channel_a, product):
    _, token = channel_a
    follow("svc-cpe", "degraded")
    follow("svc-access", "degraded")

    assert follow("svc-cpe", "ok") == [(str(product.pk), "active", ["svc-access"])]
    assert api.get(f"{PRODUCTS}/{product.pk}", **bearer(token)).json()["productCharacteristic"][-1] == HEALTH
    assert follow("svc-access", "ok") == [(str(product.pk), "active", [])]
    assert follow("svc-access", "ok") == []

    body = api.get(f"{PRODUCTS}/{product.pk}", **bearer(token)).json()
    assert (body["status"], body["productCharacteristic"]) == ("active", [{"name": "bandwidth", "value": "1G"}])
    assert product_events() == ["ProductAttributeValueChangeEvent"] * 4


@SUSPEND_IP
def test_by_rule_a_degraded_service_suspends_the_product_until_every_service_recovers(product):
    assert follow("svc-cpe", "degraded") == [(str(product.pk), "suspended", ["svc-cpe"])]
    assert Product.objects.get(pk=product.pk).status_reason == "realizing service degraded: svc-cpe"
    assert follow("svc-access", "degraded") == [(str(product.pk), "suspended", ["svc-access", "svc-cpe"])]
    assert follow("svc-cpe", "ok") == [(str(product.pk), "suspended", ["svc-access"])]

    assert follow("svc-access", "ok") == [(str(product.pk), "active", [])]
    assert product_events() == ["ProductAttributeValueChangeEvent", "ProductStateChangeEvent",
                                "ProductAttributeValueChangeEvent", "ProductAttributeValueChangeEvent",
                                "ProductAttributeValueChangeEvent", "ProductStateChangeEvent"]


@SUSPEND_IP
def test_the_rule_is_per_family(product):
    assert follow("svc-cpe", "degraded", family="cpe") == [(str(product.pk), "active", ["svc-cpe"])]


@SUSPEND_IP
def test_recovery_does_not_lift_a_suspension_made_for_another_reason(product):
    services.product_status_set(product_id=product.pk, status="suspended", reason="unpaid")
    follow("svc-cpe", "degraded")

    assert follow("svc-cpe", "ok") == [(str(product.pk), "suspended", [])]
    assert Product.objects.get(pk=product.pk).status_reason == "unpaid"


@pytest.mark.parametrize("status", ["pendingActive", "terminated"])
def test_a_product_not_live_does_not_follow_service_health(channel_a, status):
    party, _ = channel_a
    product = services.product_upsert_from_order(facts=facts(party, status=status))
    OutboxEvent.objects.all().delete()

    assert follow("svc-1", "degraded") == []

    product.refresh_from_db()
    assert (product.status, product.degraded_services) == (status, [])
    assert product_events() == []


def test_the_product_hears_the_service_inventory_event(product):
    """Told by TMF638's ServiceAttributeValueChangeEvent (the subscriber), not by a call from reconciliation."""
    from apps.service_inventory.services import service_create, service_operating_status_set

    service = service_create(spec_id="spec-ip", state="active", family="ip_address")
    Product.objects.filter(pk=product.pk).update(realizing_services=[{"service_id": str(service.pk)}])

    service_operating_status_set(service_id=service.pk, status="degraded", reason="network")
    outbox_drain()
    assert Product.objects.get(pk=product.pk).degraded_services == [str(service.pk)]

    service_operating_status_set(service_id=service.pk, status="ok", reason="network")
    outbox_drain()
    assert Product.objects.get(pk=product.pk).degraded_services == []


def test_only_operating_status_changes_reach_the_products(product):
    """Activation's progressive writes change characteristics on every step: products are not asked about those."""
    from apps.service_inventory.services import service_create, service_operating_status_set, service_update
    from bss.models import Delivery

    service = service_create(spec_id="spec-ip", state="active", family="ip_address")
    service_update(service_id=service.pk, changes={"characteristics": {"routing": "bgp"}})
    service_operating_status_set(service_id=service.pk, status="suspended", reason="orders handle it")
    service_operating_status_set(service_id=service.pk, status="degraded", reason="network")

    followed = Delivery.objects.filter(target="apps.product_inventory.handlers.follow_service_health")
    assert [d.event.payload["changed"] for d in followed] == [["operating_status"]]
    assert OutboxEvent.objects.filter(event_type="ServiceAttributeValueChangeEvent").count() == 3


def test_clients_cannot_set_the_health_characteristic(api, admin_user, product):
    api.force_login(admin_user)
    patched = api.patch(f"{PRODUCTS}/{product.pk}", data=json.dumps({"productCharacteristic": [
        {"name": "bandwidth", "value": "2G"}, HEALTH]}), content_type="application/merge-patch+json")

    assert patched.status_code == 200, patched.content
    assert patched.json()["productCharacteristic"] == [{"name": "bandwidth", "value": "2G"}]
    product.refresh_from_db()
    assert (product.characteristics, product.degraded_services) == ({"bandwidth": "2G"}, [])


def test_a_first_activation_is_not_followed_but_a_later_one_is(db):
    """Fulfilment records a new service's product itself (COM): only later activations and terminations are
    followed."""
    from apps.service_inventory.services import service_create, service_update
    from bss.models import Delivery

    service = service_create(spec_id="spec-ip", state="inactive", family="ip_address")
    for state in ("active", "inactive", "active", "terminated"):
        service_update(service_id=service.pk, changes={"state": state})

    followed = Delivery.objects.filter(target="apps.product_inventory.handlers.follow_service_state")
    assert [(d.event.payload["had_started"], d.event.payload["state"]) for d in followed.order_by("id")] == [
        (True, "active"), (True, "terminated")]
