"""Demo products of the demo channel's customers, carrying every attribute the TMF637 CTK reads."""
from apps.parties.choices import PartyKind, Segment
from apps.parties.services import billing_account_get_or_create, party_get_or_create

from .choices import ProductStatus
from .services import product_upsert_from_order

# (origin, customer, account, offering name, characteristics, monthly price, status)
DEMO_PRODUCTS = [
    ("demo:acme-fiber", ("ACME Corp", PartyKind.ORGANIZATION, Segment.BUSINESS), "ACME main account",
     "Business Fiber 1 Gbps", {"bandwidth": "1G", "ip_type": "static", "router_model": "Cisco C1111"}, 89.0,
     ProductStatus.ACTIVE),
    ("demo:jane-fiber", ("Jane Doe", PartyKind.INDIVIDUAL, Segment.RESIDENTIAL), "Jane Doe account",
     "Home Broadband 500 Mbps", {"bandwidth": "500M"}, 39.99, ProductStatus.PENDING_ACTIVE),
]


def _offering(name: str) -> tuple[str, str, str, str]:
    """(offering id, version, product spec id, version) from the demo catalog, or stable stand-ins without it."""
    from apps.product_catalog.selectors import product_offering_by_name

    offering = product_offering_by_name(name=name)
    if offering is None:
        slug = name.lower().replace(" ", "-")
        return slug, "1.0", f"{slug}-spec", "1.0"
    spec = offering.product_specification
    return str(offering.pk), offering.version, str(spec.pk) if spec else "", spec.version if spec else ""


def seed():
    channel = party_get_or_create(name="Demo Channel", kind=PartyKind.CHANNEL)
    for origin, (customer_name, kind, segment), account_name, name, characteristics, amount, status in DEMO_PRODUCTS:
        offering_id, offering_version, spec_id, spec_version = _offering(name)
        customer = party_get_or_create(name=customer_name, kind=kind, segment=segment, channel=channel)
        account = billing_account_get_or_create(name=account_name, party=customer)
        product_upsert_from_order(facts={
            "origin_key": origin, "owner_party_id": channel.pk, "status": status, "reason": "demo data",
            "order_id": f"{origin}-order", "order_item_id": "1", "action": "add",
            "name": name, "description": f"{name} for {customer_name}",
            "customer_party_id": str(customer.pk), "billing_account_id": str(account.pk),
            "billing_account_name": account.name, "offering_id": offering_id, "offering_version": offering_version,
            "offering_name": name, "product_spec_id": spec_id, "product_spec_version": spec_version,
            "characteristics": characteristics,
            "prices": [{"name": "Monthly fee", "price_type": "recurring", "recurring_period": "month",
                        "amount": amount, "currency": "EUR", "tax_rate": 20.0}],
            "related_parties": [{"party_id": str(customer.pk), "role": "customer", "name": customer.name,
                                 "kind": "Organization" if kind == PartyKind.ORGANIZATION else "Individual"}],
            "realizing_services": [{"service_id": f"{origin}-access", "service_spec_id": "",
                                    "name": "Fibre access"}],
        })
    return f"{len(DEMO_PRODUCTS)} products"
