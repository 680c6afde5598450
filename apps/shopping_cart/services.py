"""Writes to shopping carts: create, merge-patch, delete, and checkout into a product order (TMF622 via COM)."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.product_catalog.selectors import (product_offering_characteristics_errors, product_offering_get,
                                            product_offering_is_sellable)
from apps.product_ordering.services import product_order_submit
from apps.product_qualification.selectors import (product_offering_eligibility,
                                                  product_offering_qualification_item_problem)
from apps.service_qualification.selectors import (check_service_qualification_problem, geographic_address_get,
                                                  service_port_shortage)
from bss.errors import Conflict, DomainError, NotFound
from bss.events import event_emit
from bss.fsm import transition_apply

from . import events
from .choices import CartStatus
from .models import CartItem, ShoppingCart
from .pricing import price_snapshot

API = "tmf663"
VALIDITY = timedelta(days=30)  # a cart without validFor.endDateTime expires 30 days after creation
ATTRIBUTES = ("customer_party_id", "related_parties", "valid_from", "valid_to", "at_type", "at_base_type",
              "at_schema_location")


def _emit(cart: ShoppingCart, event_type: str) -> None:
    event_emit(event_type=event_type, resource_type="shoppingCart", resource_id=cart.pk, api=API,
               payload=events.cart_payload(cart), owner_party_id=str(cart.owner_id or ""))


def _resolve_item(item: dict, index: int, owner_id) -> dict:
    """Pin the offering version and snapshot its prices; refuse unknown offerings, bad characteristics, and a
    qualification reference that cannot be relied on."""
    where = f"cartItem[{index}]"
    row = {"item_id": str(item.get("item_id") or index + 1), "position": index, "action": item.get("action") or "add",
           "quantity": item.get("quantity") or 1, "characteristics": item.get("characteristics") or {},
           "place_id": item.get("place_id") or "", "qualification_id": item.get("qualification_id") or "",
           "qualification_item_id": item.get("qualification_item_id") or "",
           "service_qualification_id": item.get("service_qualification_id") or ""}
    if row["place_id"] and geographic_address_get(address_id=row["place_id"]) is None:
        raise DomainError(f"{where}: place {row['place_id']} is not a known geographic address",
                          reference_error=f"{where}.product.place")
    problem = _service_qualification_problem(row["service_qualification_id"], owner_id)
    if problem:
        raise DomainError(f"{where}: {problem}", reference_error=f"{where}.serviceQualification")
    if not item.get("offering_id"):
        if row["qualification_id"]:
            raise DomainError(f"{where}: a qualification reference needs a productOffering",
                              reference_error=f"{where}.productOfferingQualificationItem")
        return {**row, "offering_id": "", "offering_version": "", "offering_name": "", "prices": []}
    offering = product_offering_get(offering_id=item["offering_id"], version=item.get("offering_version") or None)
    if offering is None:
        raise DomainError(f"{where}: unknown product offering {item['offering_id']}"
                          + (f" version {item['offering_version']}" if item.get("offering_version") else ""),
                          reference_error=f"{where}.productOffering")
    if row["action"] == "add" and not product_offering_is_sellable(offering=offering):
        raise DomainError(f"{where}: product offering {offering.name} v{offering.version} is not sellable",
                          reference_error=f"{where}.productOffering")
    errors = product_offering_characteristics_errors(offering=offering, values=row["characteristics"])
    if errors:
        raise DomainError(f"{where}: {'; '.join(errors)}", reference_error=f"{where}.product.productCharacteristic")
    problem = _qualification_problem(row["qualification_id"], row["qualification_item_id"], offering.name, owner_id)
    if problem:
        raise DomainError(f"{where}: {problem}", reference_error=f"{where}.productOfferingQualificationItem")
    return {**row, "offering_id": str(offering.pk), "offering_version": offering.version,
            "offering_name": offering.name, "prices": price_snapshot(offering)}


def _qualification_problem(qualification_id: str, item_id: str, offering_name: str, owner_id) -> str | None:
    """The same check when an item enters the cart and at checkout: its qualification item must still hold."""
    if not qualification_id:
        return None
    return product_offering_qualification_item_problem(qualification_id=qualification_id, item_id=item_id,
                                                       offering_name=offering_name, owner_id=owner_id)


def _service_qualification_problem(qualification_id: str, owner_id) -> str | None:
    return check_service_qualification_problem(qualification_id=qualification_id, owner_id=owner_id) \
        if qualification_id else None


def _items_replace(cart: ShoppingCart, items: list[dict]) -> None:
    ids = [str(item.get("item_id") or index + 1) for index, item in enumerate(items)]
    if len(set(ids)) != len(ids):
        raise DomainError("cartItem ids must be unique", reference_error="cartItem")
    rows = [_resolve_item(item, index, cart.owner_id) for index, item in enumerate(items)]
    cart.items.all().delete()
    CartItem.objects.bulk_create([CartItem(cart=cart, **row) for row in rows])


@transaction.atomic
def shopping_cart_create(*, owner=None, attributes: dict, items: list[dict]) -> ShoppingCart:
    """A new active cart; validFor defaults to [now, now + 30 days]."""
    attributes = {key: value for key, value in attributes.items() if key in ATTRIBUTES}
    now = timezone.now()
    if not attributes.get("valid_from"):
        attributes["valid_from"] = now
    if not attributes.get("valid_to"):
        attributes["valid_to"] = attributes["valid_from"] + VALIDITY
    if attributes["valid_to"] <= attributes["valid_from"]:
        raise DomainError("validFor.endDateTime must be after validFor.startDateTime", reference_error="validFor")
    cart = ShoppingCart.objects.create(owner=owner, **attributes)
    _items_replace(cart, items)
    _emit(cart, events.CART_CREATE)
    return cart


def _lock(cart_id) -> ShoppingCart:
    cart = ShoppingCart.objects.select_for_update().filter(pk=cart_id).first()
    if cart is None:
        raise NotFound(f"no shopping cart {cart_id}")
    return cart


@transaction.atomic
def shopping_cart_update(*, cart: ShoppingCart, attributes: dict, items: list[dict] | None = None) -> ShoppingCart:
    """Merge-patch: attributes, and cartItem as a whole list (merge-patch replaces arrays)."""
    cart = _lock(cart.pk)
    if cart.status != CartStatus.ACTIVE:
        raise Conflict(f"shopping cart {cart.pk} is {cart.status}: it can no longer be changed")
    changed = [key for key, value in attributes.items() if key in ATTRIBUTES and getattr(cart, key) != value]
    for key in changed:
        setattr(cart, key, attributes[key])
    if cart.valid_from and cart.valid_to and cart.valid_to <= cart.valid_from:
        raise DomainError("validFor.endDateTime must be after validFor.startDateTime", reference_error="validFor")
    if items is not None:
        _items_replace(cart, items)
    if changed or items is not None:
        cart.save(update_fields=[*changed, "updated_at"])
        _emit(cart, events.CART_ATTRIBUTE_VALUE_CHANGE)
    return cart


@transaction.atomic
def shopping_cart_delete(*, cart: ShoppingCart) -> None:
    cart = _lock(cart.pk)
    _emit(cart, events.CART_DELETE)
    cart.delete()


def shopping_cart_item_problems(*, cart: ShoppingCart) -> list[str]:
    """Why each item would not be accepted now ([] when all qualify): TMF679's eligibility over the whole cart
    (offering gone or no longer sellable at the pinned version, characteristics, requires / excludes / segment /
    quantity rules, for the cart's customer), the item's TMF679 and TMF645 references, and (for an item with a place)
    no free access port at the element that serves the place, as TMF645 would answer now."""
    items = list(cart.items.all())
    outcomes = product_offering_eligibility(items=items, customer_party_id=cart.customer_party_id)
    problems = []
    for item, outcome in zip(items, outcomes):
        label = f"cartItem {item.item_id} ({item.offering_name or item.offering_id or 'no offering'})"
        found = [reason["label"] for reason in outcome["reasons"]]
        found.append(_service_qualification_problem(item.service_qualification_id, cart.owner_id))
        offering = outcome["offering"]
        if offering is not None:
            found.append(_qualification_problem(item.qualification_id, item.qualification_item_id, offering.name,
                                                cart.owner_id))
            if item.place_id and item.action == "add":
                found.append(service_port_shortage(address_id=item.place_id, service_specs=_service_specs(offering)))
        problems.extend(f"{label}: {problem}" for problem in found if problem)
    return problems


def _service_specs(offering) -> list[tuple[str, str]]:
    """(service spec id, version) the offering is realized by, through its (or its bundled offerings') product specs."""
    specs = [component.product_specification for component in (offering, *offering.bundled_offerings)]
    return [ref for spec in specs if spec is not None for ref in spec.service_specification_refs]


@transaction.atomic
def shopping_cart_checkout(*, cart: ShoppingCart, external_id: str = "", billing_account_id: str = "") -> ShoppingCart:
    """Re-validate every item, then submit a product order through COM and link it to the cart.

    Refusals (422) name the items that no longer qualify; nothing is written then."""
    cart = _lock(cart.pk)
    if cart.status != CartStatus.ACTIVE:
        raise Conflict(f"shopping cart {cart.pk} is {cart.status} (order {cart.product_order_id})")
    if cart.valid_to and cart.valid_to <= timezone.now():
        raise DomainError(f"shopping cart {cart.pk} expired at {cart.valid_to.isoformat()}",
                          reference_error="validFor")
    items = list(cart.items.all())
    if not items:
        raise DomainError(f"shopping cart {cart.pk} has no items", reference_error="cartItem")
    problems = shopping_cart_item_problems(cart=cart)
    if problems:
        raise DomainError("items no longer qualify: " + "; ".join(problems), reference_error="cartItem",
                          details=problems)
    order = product_order_submit(
        owner=cart.owner, external_id=external_id or f"shoppingCart:{cart.pk}",
        attributes={"description": f"checkout of shopping cart {cart.pk}", "customer_party_id": cart.customer_party_id,
                    "related_parties": cart.related_parties, "billing_account_id": billing_account_id},
        items=[{"item_id": item.item_id, "action": item.action, "quantity": item.quantity,
                "offering_id": item.offering_id, "offering_version": item.offering_version,
                "offering_name": item.offering_name, "characteristics": item.characteristics,
                "place_id": item.place_id, "qualification_id": item.qualification_id} for item in items])
    cart.product_order_id = str(order.pk)
    transition_apply(cart, "check_out", reason=f"product order {order.pk}",
                     update_fields=("product_order_id", "updated_at"), state_field="status")
    _emit(cart, events.CART_STATE_CHANGE)
    return cart
