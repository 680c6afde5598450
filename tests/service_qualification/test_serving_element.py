"""The selectors ordering and activation use: which element serves a service at an address, and whether its
ports are all taken (the same coverage data and capacity read as a TMF645 check)."""
import pytest

from apps.network.adapters import adapter_for
from apps.network.services import network_sim_async
from apps.service_qualification import demo
from apps.service_qualification.models import GeographicAddress
from apps.service_qualification.selectors import (geographic_address_get, service_port_shortage,
                                                  serving_element_for)


@pytest.fixture
def addresses(demo_catalog):
    demo.seed()
    network_sim_async(platform="access_controller", enabled=False)
    return {city: str(GeographicAddress.objects.filter(city=city).first().pk)  # the first by street
            for city in GeographicAddress.objects.values_list("city", flat=True)}


@pytest.mark.parametrize("city, family, element", [
    ("Berlin", "fibre_access", "OLT-BER-01"),
    ("Neustadt", "fibre_access", "OLT-NEU-01"),
    ("Dorfhausen", "fibre_access", ""),  # no fibre there
    ("Einsiedel", "fibre_access", ""),  # no coverage at all
    ("Berlin", "ip_address", ""),  # rides on the access: takes no port
    ("Berlin", "mobile", ""),
])
def test_the_element_serving_a_family_at_an_address(addresses, city, family, element):
    assert serving_element_for(address_id=addresses[city], family=family) == element


@pytest.mark.parametrize("address_id", ["", "not-a-uuid", "0b7c5f6e-0000-4000-8000-000000000000"])
def test_an_unknown_address_has_no_element(addresses, address_id):
    assert geographic_address_get(address_id=address_id) is None
    assert serving_element_for(address_id=address_id, family="fibre_access") == ""
    assert service_port_shortage(address_id=address_id, service_specs=[("any", "")]) is None


def test_a_shortage_is_named_only_for_services_that_take_a_port_at_a_full_element(addresses, demo_catalog):
    fibre, ip = (demo_catalog.service_specs[name] for name in ("Fibre Access", "IP Address"))
    both = [(str(fibre.pk), fibre.version), (str(ip.pk), "")]
    assert service_port_shortage(address_id=addresses["Neustadt"], service_specs=both) is None
    adapter_for("access_controller").apply(idempotency_key="k1", service_id="svc-1",
                                           params={"access_port": "$allocate", "serving_element": "OLT-NEU-01"})
    assert service_port_shortage(address_id=addresses["Neustadt"], service_specs=both) == (
        "no free port at OLT-NEU-01 (1 of 1 fibre ports in use)")
    assert service_port_shortage(address_id=addresses["Neustadt"], service_specs=[(str(ip.pk), "")]) is None
    assert service_port_shortage(address_id=addresses["Berlin"], service_specs=both) is None
