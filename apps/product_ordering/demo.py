"""Demo decomposition rules matching the demo catalog (apps/product_catalog/demo.py):
Business Fiber (bundle) → fibre access + static IP + managed CPE (the CPE optional by rule: an order whose CPE
fails still delivers connectivity and ends `partial`); Home Broadband → fibre access + dynamic IP; IPTV, VoIP and
Mobile → their one service. IP and CPE wait for the access (relies on)."""
from apps.product_catalog.selectors import product_specification_by_name
from apps.service_catalog.selectors import service_specification_by_name

from .models import DecompositionRule

SAME = object()  # map the service characteristic from the product characteristic of the same name

# product spec → [(service spec, {service characteristic: SAME | {"value": fixed}}, optional, relies on)]
RULES = {
    "Fibre Access 1 Gbps": [("Fibre Access", {"bandwidth": SAME}, False, [])],
    "Static IP Address": [("IP Address", {"ip_type": SAME}, False, ["Fibre Access"])],
    "Managed Router": [("Managed CPE", {"router_model": SAME}, True, ["Fibre Access"])],
    "Home Broadband 500 Mbps": [("Fibre Access", {"bandwidth": SAME}, False, []),
                                ("IP Address", {"ip_type": {"value": "dynamic"}}, False, ["Fibre Access"])],
    "IPTV Basic": [("IPTV", {"channel_package": SAME}, False, [])],
    "VoIP Line": [("VoIP", {"phone_number": SAME, "codec": SAME}, False, [])],
    "Mobile 20 GB": [("Mobile Subscription", {"data_allowance_gb": SAME, "msisdn": SAME}, False, [])],
}


def seed():
    created = 0
    for product_spec_name, rules in RULES.items():
        product_spec = product_specification_by_name(name=product_spec_name)
        if product_spec is None:
            continue  # catalog not seeded: nothing to decompose
        for sequence, (service_spec_name, mapping, optional, relies_on) in enumerate(rules):
            service_spec = service_specification_by_name(name=service_spec_name)
            needed = [service_specification_by_name(name=name) for name in relies_on]
            _, was_created = DecompositionRule.objects.get_or_create(
                product_spec_id=str(product_spec.pk), product_spec_version=product_spec.version,
                service_spec_id=str(service_spec.pk), rule_version=1,
                defaults={"name": f"{product_spec_name} → {service_spec_name}",
                          "service_spec_version": service_spec.version, "optional": optional, "sequence": sequence,
                          "characteristic_map": {k: k if v is SAME else v for k, v in mapping.items()},
                          "relies_on_service_specs": [str(spec.pk) for spec in needed if spec]})
            created += was_created
    return f"{created} decomposition rules"
