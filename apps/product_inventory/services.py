"""Writes to the product inventory: back-office create/update, and the stable outcomes of fulfilment."""
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from bss.errors import NotFound, ValidationFailed
from bss.events import event_emit, service_atomic
from bss.fsm import transition_apply

from . import events
from .choices import TRANSITION_TO, ProductStatus
from .models import Product

API = "tmf637"
# Attributes a create/update may set (domain names; the api layer maps TMF JSON onto them).
ATTRIBUTES = ("name", "description", "is_bundle", "is_customer_visible", "product_serial_number",
              "customer_party_id", "billing_account_id", "billing_account_name", "offering_id", "offering_version",
              "offering_name", "product_spec_id", "product_spec_version", "product_spec_name", "characteristics",
              "prices", "related_parties", "realizing_services", "order_items", "order_date", "start_date",
              "termination_date", "at_type", "at_base_type", "at_schema_location")


def _emit(product: Product, event_type: str) -> None:
    event_emit(event_type=event_type, resource_type="product", resource_id=product.pk, api=API,
               payload=events.product_payload(product), owner_party_id=str(product.owner_id or ""))


def _move_to(product: Product, status: str, reason: str) -> bool:
    """Run the transition that leads to `status`; False when it is already there."""
    if product.status == status:
        return False
    if status not in TRANSITION_TO:
        raise ValidationFailed(f"status {status!r} cannot be set", reference_error="status")
    product.status_reason = reason[:500]
    update = ["status_reason", "updated_at"]
    if status == ProductStatus.TERMINATED and product.termination_date is None:
        product.termination_date = timezone.now()
        update.append("termination_date")
    if status == ProductStatus.ACTIVE and product.start_date is None:
        product.start_date = timezone.now()
        update.append("start_date")
    transition_apply(product, TRANSITION_TO[status], reason=reason, state_field="status", update_fields=tuple(update))
    _emit(product, events.PRODUCT_STATE_CHANGE)
    return True


def _create(*, attributes: dict, owner_id, status: str, reason: str, origin_key: str | None = None) -> Product:
    product = Product(owner_id=owner_id, origin_key=origin_key,
                      **{key: value for key, value in attributes.items() if key in ATTRIBUTES})
    product.save()
    _emit(product, events.PRODUCT_CREATE)
    if status != ProductStatus.CREATED:
        _move_to(product, status, reason)
    return product


@transaction.atomic
def product_create(*, attributes: dict, status: str, owner=None) -> Product:
    """Back-office create (TMF637 POST)."""
    return _create(attributes=attributes, owner_id=owner.pk if owner else None, status=status, reason="created")


@transaction.atomic
def product_update(*, product: Product, attributes: dict, status: str | None = None, reason: str = "") -> Product:
    """Back-office merge-patch: attributes, then the status through its transition."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    changed = [key for key, value in attributes.items() if key in ATTRIBUTES and getattr(product, key) != value]
    for key in changed:
        setattr(product, key, attributes[key])
    if changed:
        product.save(update_fields=[*changed, "updated_at"])
        _emit(product, events.PRODUCT_ATTRIBUTE_VALUE_CHANGE)
    if status is not None:
        _move_to(product, status, reason or "updated")
    return product


@transaction.atomic
def product_delete(*, product: Product) -> None:
    product = Product.objects.select_for_update().get(pk=product.pk)
    _emit(product, events.PRODUCT_DELETE)
    product.delete()


@transaction.atomic
def product_status_set(*, product_id, status: str, reason: str = "") -> Product:
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise NotFound(f"no product {product_id}")
    _move_to(product, status, reason)
    return product


@service_atomic()
def product_upsert_from_order(*, facts: dict) -> Product:
    """A fulfilment outcome reached a stable state: create the product (once per order item) or update it.

    facts: {"product_id" (existing, for modify/delete) | None, "origin_key", "owner_party_id", "status", "reason",
    "order_id", "order_item_id", "action", and any of ATTRIBUTES}."""
    attributes = {key: value for key, value in facts.items() if key in ATTRIBUTES}
    order_ref = {"order_id": facts["order_id"], "order_item_id": facts["order_item_id"], "action": facts["action"]}
    product = None
    if facts.get("product_id"):
        product = Product.objects.select_for_update().filter(pk=facts["product_id"]).first()
    if product is None and facts.get("origin_key"):
        product = Product.objects.select_for_update().filter(origin_key=facts["origin_key"]).first()
    if product is None:
        attributes["order_items"] = [order_ref]
        # The origin key is unique: a redelivered outcome finds the row instead of creating a second one.
        product, created = Product.objects.get_or_create(origin_key=facts.get("origin_key"), defaults={
            "owner_id": facts.get("owner_party_id") or None, **attributes})
        if created:
            _emit(product, events.PRODUCT_CREATE)
        product = Product.objects.select_for_update().get(pk=product.pk)
    else:
        if order_ref not in product.order_items:
            attributes["order_items"] = [*product.order_items, order_ref]
        changed = [key for key, value in attributes.items() if getattr(product, key) != value]
        for key in changed:
            setattr(product, key, attributes[key])
        if changed:
            product.save(update_fields=[*changed, "updated_at"])
            _emit(product, events.PRODUCT_ATTRIBUTE_VALUE_CHANGE)
    _move_to(product, facts["status"], facts.get("reason", ""))
    return product


# Service states that change what the customer has (ARCHITECTURE.md: suspended → suspended, terminated → terminated).
FOLLOWED_SERVICE_STATES = {"suspended": ProductStatus.SUSPENDED, "terminated": ProductStatus.TERMINATED,
                           "active": ProductStatus.ACTIVE}


@transaction.atomic
def product_status_follow_service(*, service_id: str, service_state: str) -> list[Product]:
    """A realizing service was suspended, resumed or terminated in the service inventory.

    Suspension and resumption follow any realizing service; termination only the product's primary (first)
    service, so losing an optional part (a CPE) does not end the product. Resumption only lifts a suspension:
    activating a product is fulfilment's call. Idempotent: products already there are left alone."""
    target = FOLLOWED_SERVICE_STATES.get(service_state)
    moved = []
    if target is None:
        return moved
    for product in Product.objects.select_for_update().filter(
            realizing_services__contains=[{"service_id": str(service_id)}]):
        primary = product.realizing_services[0].get("service_id") == str(service_id)
        if target == ProductStatus.ACTIVE and product.status != ProductStatus.SUSPENDED:
            continue
        if target == ProductStatus.TERMINATED and not primary:
            continue
        if product.status != target and not can_proceed(getattr(product, TRANSITION_TO[target])):
            continue  # e.g. a product still being fulfilled: its order decides
        if _move_to(product, target, f"service {service_id} {service_state}"):
            moved.append(product)
    return moved


# Why a product was suspended for its service's health: only such a suspension is lifted on recovery.
DEGRADED_REASON = "realizing service degraded"


def degraded_rule(*, family: str) -> str:
    """The product status a degraded service of this family leads to (settings.BSS_PRODUCT_STATUS_ON_DEGRADED)."""
    status = settings.BSS_PRODUCT_STATUS_ON_DEGRADED.get(family, ProductStatus.ACTIVE)
    return ProductStatus.SUSPENDED if status == ProductStatus.SUSPENDED else ProductStatus.ACTIVE


@transaction.atomic
def product_follow_service_health(*, service_id: str, operating_status: str, family: str = "") -> list[Product]:
    """A realizing service's TMF638 operating status changed (reconciliation marks it degraded, then ok).

    Degraded: the product stays active and lists the service in `degraded_services` (TMF637: serviceHealth),
    or is also suspended when the family's rule says so. Healthy again: the service leaves the list; once none
    is left, a suspension made by this rule is lifted. Only live products follow (active or suspended: an
    order still decides the others). Idempotent: nothing changes, nothing is emitted, when already there."""
    service_id = str(service_id)
    degraded = operating_status == "degraded"
    changed = []
    for product in Product.objects.select_for_update().filter(
            realizing_services__contains=[{"service_id": service_id}],
            status__in=(ProductStatus.ACTIVE, ProductStatus.SUSPENDED)):
        before = set(product.degraded_services)
        after = before | {service_id} if degraded else before - {service_id}
        if after == before:
            continue
        product.degraded_services = sorted(after)
        product.save(update_fields=["degraded_services", "updated_at"])
        _emit(product, events.PRODUCT_ATTRIBUTE_VALUE_CHANGE)
        if degraded and degraded_rule(family=family) == ProductStatus.SUSPENDED:
            _move_to(product, ProductStatus.SUSPENDED, f"{DEGRADED_REASON}: {service_id}")
        elif (not after and product.status == ProductStatus.SUSPENDED
              and product.status_reason.startswith(DEGRADED_REASON)):
            _move_to(product, ProductStatus.ACTIVE, f"realizing service {service_id} healthy again")
        changed.append(product)
    return changed
