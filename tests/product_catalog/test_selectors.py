"""The reads other contexts depend on (docs/contracts.md)."""
from apps.product_catalog.selectors import (product_offering_characteristics_errors, product_offering_get,
                                            product_offering_list)
from apps.service_catalog.selectors import service_specification_activation, service_specification_get


def test_characteristic_check_for_orders_and_carts(demo_catalog):
    voip = demo_catalog.offering("VoIP Line")
    assert product_offering_characteristics_errors(offering=voip, values={"phone_number": "+3312345678"}) == []
    assert product_offering_characteristics_errors(offering=voip, values={"codec": "G.729", "colour": "red"}) == [
        "unknown characteristic 'colour'", "codec: 'G.729' is not a valid string (allowed: ['G.711', 'G.722'])"]
    mobile = demo_catalog.offering("Mobile 20 GB plan")
    assert product_offering_characteristics_errors(offering=mobile, values={"data_allowance_gb": "20"}) == [
        "data_allowance_gb: '20' is not a valid integer (allowed: [20])"]
    bundle = demo_catalog.offering("Business Fiber 1 Gbps")
    assert product_offering_characteristics_errors(offering=bundle, values={}) == []


def test_sellable_listing_and_lookup_by_lineage_or_version_id(demo_catalog):
    assert len(product_offering_list(sellable_only=True)) == 8
    home = demo_catalog.offering("Home Broadband 500 Mbps")
    assert product_offering_get(offering_id=str(home.lineage)) == home
    assert product_offering_get(offering_id=home.pk, version="1.0") == home


def test_service_spec_versions_and_activation_pinning(demo_catalog):
    from apps.service_catalog.services import service_specification_new_version, service_specification_update

    fibre = demo_catalog.service_specs["Fibre Access"]
    draft = service_specification_new_version(spec=fibre)
    service_specification_update(spec=draft, activator="fibre_access_v2", lifecycle_status="active")
    assert service_specification_get(spec_id=str(fibre.pk)).version == "2.0"
    assert service_specification_activation(spec_id=str(fibre.pk))["activator"] == "fibre_access_v2"
    pinned = service_specification_activation(spec_id=str(draft.pk), version="1.0")
    assert (pinned["id"], pinned["version"], pinned["activator"], pinned["relies_on"]) == (
        str(fibre.pk), "1.0", "fibre_access", [(str(demo_catalog.service_specs["Fibre Access RFS"].pk), "1.0")])
    assert service_specification_activation(spec_id=str(fibre.pk), version="7.0") is None
    assert service_specification_activation(spec_id="nonsense") is None


def test_a_bundle_and_its_components_are_read_in_a_fixed_number_of_queries(demo_catalog):
    from bss.testing import count_queries

    def read():
        bundle = product_offering_get(offering_id=str(demo_catalog.offering("Business Fiber 1 Gbps").pk))
        return [(c.name, [ch.name for ch in c.product_specification.characteristics.all()], len(c.prices))
                for c in bundle.bundled_offerings]

    components, queries = count_queries(read)
    assert components == [("Fibre Access 1 Gbps", ["bandwidth"], 0), ("Static IP Address", ["ip_type"], 0),
                          ("Managed Router", ["router_model"], 0)]
    # lineage, offering, prices, categories, bundle links, their characteristics and prices, relationships
    assert queries == 8
