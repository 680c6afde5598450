"""Demo carts of the demo channel: broadband with IPTV, and a mobile plan (idempotent: seeded once)."""
from apps.parties.choices import PartyKind
from apps.parties.services import party_get_or_create
from apps.product_catalog.selectors import product_offering_by_name

from .models import ShoppingCart
from .services import shopping_cart_create

CARTS = [["Home Broadband 500 Mbps", "IPTV Basic"], ["Mobile 20 GB plan"]]


def seed():
    channel = party_get_or_create(name="Demo Channel", kind=PartyKind.CHANNEL)
    if ShoppingCart.objects.filter(owner=channel).exists():
        return "carts already seeded"
    for names in CARTS:
        offerings = [product_offering_by_name(name=name) for name in names]
        shopping_cart_create(owner=channel, attributes={}, items=[
            {"item_id": str(index + 1), "offering_id": str(offering.pk)}
            for index, offering in enumerate(offerings) if offering is not None])
    return f"{len(CARTS)} carts"
