"""Demo product catalog (after the service catalog it builds on), all active, prices in EUR with 20 % VAT.

Offerings: Business Fiber 1 Gbps (bundle: fibre access + static IP + managed router), Home Broadband 500 Mbps,
IPTV Basic (add-on requiring broadband), VoIP Line, Mobile 20 GB plan.
Also registers `ctk-catalog`, a partner client allowed to write both catalogs (the conformance kits need it).
Idempotent: what exists by name is left as it is."""
from decimal import Decimal

from apps.parties.choices import PartyKind
from apps.parties.services import api_client_register, party_get_or_create
from apps.service_catalog import demo as service_catalog_demo
from apps.service_catalog.selectors import service_specification_by_name

from .choices import LifecycleStatus, PriceType
from .selectors import catalog_queryset, category_queryset, product_offering_by_name, product_specification_by_name
from .services import (catalog_create, category_create, product_offering_create, product_offering_price_create,
                       product_specification_create)

ACTIVE = LifecycleStatus.ACTIVE
VAT = Decimal("20")
CTK_CLIENT = "ctk-catalog"


def char(name, value_type="string", allowed=(), default=None, mandatory=False):
    return {"name": name, "value_type": value_type, "allowed_values": list(allowed), "default_value": default,
            "min_cardinality": 1 if mandatory else 0, "max_cardinality": 1}


# product spec name → (characteristics, service spec names)
PRODUCT_SPECS = {
    "Fibre Access 1 Gbps": ([char("bandwidth", allowed=["1G"], default="1G", mandatory=True)], ["Fibre Access"]),
    "Static IP Address": ([char("ip_type", allowed=["static"], default="static", mandatory=True)], ["IP Address"]),
    "Managed Router": ([char("router_model", allowed=["Cisco C1111"], default="Cisco C1111", mandatory=True)],
                       ["Managed CPE"]),
    "Home Broadband 500 Mbps": ([char("bandwidth", allowed=["500M"], default="500M", mandatory=True)],
                                ["Fibre Access", "IP Address"]),
    "IPTV Basic": ([char("channel_package", allowed=["basic"], default="basic", mandatory=True)], ["IPTV"]),
    "VoIP Line": ([char("phone_number"), char("codec", allowed=["G.711", "G.722"], default="G.711")], ["VoIP"]),
    "Mobile 20 GB": ([char("data_allowance_gb", "integer", allowed=[20], default=20, mandatory=True),
                      char("msisdn")], ["Mobile Subscription"]),
}


def price(name, price_type, amount, **extra):
    return {"name": name, "price_type": price_type, "amount": Decimal(amount), "currency": "EUR", "tax_rate": VAT,
            **({"recurring_period_type": "month", "recurring_period_length": 1}
               if price_type == PriceType.RECURRING else {}), **extra}


# offering name → (product spec, prices, sold standalone)
OFFERINGS = {
    "Fibre Access 1 Gbps": ("Fibre Access 1 Gbps", [], False),
    "Static IP Address": ("Static IP Address", [], False),
    "Managed Router": ("Managed Router", [], False),
    "Home Broadband 500 Mbps": ("Home Broadband 500 Mbps", [price("Home Broadband monthly", PriceType.RECURRING,
                                                                  "39.99"),
                                                            price("Home Broadband installation", PriceType.ONE_TIME,
                                                                  "49.00")], True),
    "IPTV Basic": ("IPTV Basic", [price("IPTV Basic monthly", PriceType.RECURRING, "9.99")], False),
    "VoIP Line": ("VoIP Line", [price("VoIP monthly", PriceType.RECURRING, "14.99"),
                                price("VoIP per minute", PriceType.USAGE, "0.02", unit_of_measure="minute")], True),
    "Mobile 20 GB plan": ("Mobile 20 GB", [price("Mobile 20 GB monthly", PriceType.RECURRING, "25.00"),
                                           price("Mobile extra data", PriceType.USAGE, "2.00", unit_of_measure="GB")],
                          True),
}
BUNDLES = {
    "Business Fiber 1 Gbps": (["Fibre Access 1 Gbps", "Static IP Address", "Managed Router"],
                              [price("Business Fiber monthly", PriceType.RECURRING, "89.00"),
                               price("Business Fiber installation", PriceType.ONE_TIME, "99.00")]),
}
# add-on → what it requires
REQUIRES = {"IPTV Basic": "Home Broadband 500 Mbps"}
CATEGORIES = {"Business": ["Business Fiber 1 Gbps"], "Residential": ["Home Broadband 500 Mbps", "VoIP Line"],
              "Add-ons": ["IPTV Basic"], "Mobile": ["Mobile 20 GB plan"]}
CATEGORY_OF = {offering: category for category, offerings in CATEGORIES.items() for offering in offerings}


def _product_spec(name):
    existing = product_specification_by_name(name=name)
    if existing:
        return existing
    characteristics, service_specs = PRODUCT_SPECS[name]
    refs = []
    for service_name in service_specs:
        service_spec = service_specification_by_name(name=service_name)
        refs.append({"id": str(service_spec.pk), "version": service_spec.version})
    return product_specification_create(name=name, characteristics=characteristics, service_spec_refs=refs,
                                        lifecycle_status=ACTIVE)


def _prices(prices):
    return [product_offering_price_create(lifecycle_status=ACTIVE, **item).pk for item in prices]


def _offering(name, **kwargs):
    return product_offering_by_name(name=name) or product_offering_create(name=name, lifecycle_status=ACTIVE,
                                                                          **kwargs)


def _category_ids(categories, name) -> list:
    return [categories[CATEGORY_OF[name]].pk] if name in CATEGORY_OF else []


def seed():
    service_catalog_demo.seed()
    categories = {name: category_queryset().filter(name=name).first()
                  or category_create(name=name, lifecycle_status=ACTIVE) for name in CATEGORIES}
    offerings = {}
    for name, (spec_name, prices, standalone) in OFFERINGS.items():
        offerings[name] = product_offering_by_name(name=name) or _offering(
            name, product_spec_ref={"id": str(_product_spec(spec_name).pk)}, price_ids=_prices(prices),
            sold_standalone=standalone, category_ids=_category_ids(categories, name),
            relationships=[{"target_id": offerings[REQUIRES[name]].pk}] if name in REQUIRES else [])
    for name, (children, prices) in BUNDLES.items():
        offerings[name] = product_offering_by_name(name=name) or _offering(
            name, bundled=[{"offering_id": offerings[child].pk} for child in children], price_ids=_prices(prices),
            category_ids=_category_ids(categories, name))
    if not catalog_queryset().filter(name="Demo Catalog").exists():
        catalog_create(name="Demo Catalog", catalog_type="productCatalog",
                       category_ids=[category.pk for category in categories.values()], lifecycle_status=ACTIVE)
    partner = party_get_or_create(name="Catalog Admin", kind=PartyKind.PARTNER)
    api_client_register(name=CTK_CLIENT, party=partner,
                        scopes=["tmf620.read", "tmf620.write", "tmf633.read", "tmf633.write"])
    return f"{len(offerings)} product offerings, client {CTK_CLIENT}"
