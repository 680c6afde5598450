"""The demo catalog: what others (ordering, activation, qualification) build on."""
from decimal import Decimal

from apps.product_catalog import demo
from apps.product_catalog.models import ProductOffering
from apps.product_catalog.selectors import product_offering_get, product_offering_is_sellable
from apps.service_catalog.selectors import service_specification_activation
from bss.models import OutboxEvent


def test_demo_offerings_are_sellable_with_prices_specs_and_service_links(demo_catalog):
    home = product_offering_get(offering_id=str(demo_catalog.offering("Home Broadband 500 Mbps").pk))
    assert product_offering_is_sellable(offering=home)
    assert [(p.price_type, p.amount, p.currency, p.tax_rate, p.amount_with_tax) for p in home.prices] == [
        ("oneTime", Decimal("49.00"), "EUR", Decimal("20.00"), Decimal("58.80")),
        ("recurring", Decimal("39.99"), "EUR", Decimal("20.00"), Decimal("47.99"))]
    spec = home.product_specification
    assert [(c.name, c.value_type, c.allowed_values) for c in spec.characteristics.all()] == [
        ("bandwidth", "string", ["500M"])]
    fibre, ip = demo_catalog.service_specs["Fibre Access"], demo_catalog.service_specs["IP Address"]
    assert spec.service_specification_refs == [(str(fibre.pk), "1.0"), (str(ip.pk), "1.0")]


def test_business_fiber_is_a_bundle_of_three(demo_catalog):
    bundle = product_offering_get(offering_id=str(demo_catalog.offering("Business Fiber 1 Gbps").pk))
    assert bundle.is_bundle and bundle.product_specification is None
    assert [o.name for o in bundle.bundled_offerings] == ["Fibre Access 1 Gbps", "Static IP Address", "Managed Router"]


def test_iptv_requires_broadband(demo_catalog):
    iptv = product_offering_get(offering_id=str(demo_catalog.offering("IPTV Basic").pk))
    assert [(r.relationship_type, r.target.name) for r in iptv.relationships.all()] == [
        ("requires", "Home Broadband 500 Mbps")]


def test_every_family_has_activation_metadata(demo_catalog):
    for family in ("fibre_access", "ip_address", "managed_cpe", "iptv", "voip", "mobile"):
        spec = demo_catalog.service_spec_of_family(family)
        activation = service_specification_activation(spec_id=str(spec.pk))
        assert activation["family"] == family
        assert activation["is_cfs"] is True
        assert activation["activator"]
        assert activation["step_timeouts"] == {"reserve": 30, "configure": 60, "activate": 60}
        assert activation["reconcile_every_seconds"] > 0
        assert set(activation["config_template"]) <= {c["name"] for c in activation["characteristics"]}


def test_seed_is_idempotent(demo_catalog):
    offerings, events = ProductOffering.objects.count(), OutboxEvent.objects.count()
    demo.seed()
    assert (ProductOffering.objects.count(), OutboxEvent.objects.count()) == (offerings, events)
