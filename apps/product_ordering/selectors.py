from django.db.models import Prefetch, QuerySet

from .choices import OrderState, ServiceItemState
from .models import (CancelProductOrder, DecompositionRule, ProductOrder, ProductOrderItem, ServiceItem,
                     ServiceOrderSubmission)


def product_order_list() -> QuerySet[ProductOrder]:
    return ProductOrder.objects.prefetch_related(
        Prefetch("items", queryset=ProductOrderItem.objects.order_by("position", "id")))


def product_order_get(*, order_id) -> ProductOrder | None:
    try:
        return product_order_list().filter(pk=order_id).first()
    except (ValueError, TypeError, Exception):  # malformed uuid → unknown order
        return None


def product_order_lock(*, order_id, skip_locked: bool = False) -> ProductOrder | None:
    try:
        return ProductOrder.objects.select_for_update(skip_locked=skip_locked).filter(pk=order_id).first()
    except (ValueError, TypeError, Exception):
        return None


def cancel_product_order_list() -> QuerySet[CancelProductOrder]:
    return CancelProductOrder.objects.select_related("order")


def cancel_product_order_get(*, cancel_id) -> CancelProductOrder | None:
    try:
        return cancel_product_order_list().filter(pk=cancel_id).first()
    except (ValueError, TypeError, Exception):
        return None


def decomposition_rules_for(*, product_spec_id: str) -> list[DecompositionRule]:
    return list(DecompositionRule.objects.filter(product_spec_id=product_spec_id, active=True))


def submission_by_external_id(*, external_id: str) -> ServiceOrderSubmission | None:
    return ServiceOrderSubmission.objects.select_related("order_item").filter(external_id=external_id).first()


def service_item_keys_awaiting(*, submission: ServiceOrderSubmission, keys) -> set[str]:
    """Of these keys, the service items of the submission's order item that still await an outcome."""
    return set(ServiceItem.objects.filter(order_item_id=submission.order_item_id, key__in=list(keys),
                                          state__in=(ServiceItemState.SUBMITTED, ServiceItemState.HELD))
               .values_list("key", flat=True))


def service_orders_running(*, order: ProductOrder) -> list[str]:
    """Activation's ids of this order's service orders that still have items awaiting an outcome."""
    ids = (ServiceItem.objects.filter(order_item__order=order, state=ServiceItemState.SUBMITTED)
           .exclude(service_order_id="").values_list("service_order_id", flat=True))
    return sorted(set(ids))


def service_item_held(*, service_order_id: str, key: str) -> ServiceItem | None:
    """The part activation ran as (service order, item key), while it is held for an operator."""
    return (ServiceItem.objects.select_related("order_item")
            .filter(service_order_id=str(service_order_id), key=key, state=ServiceItemState.HELD).first())


def service_order_ids_held(*, order: ProductOrder) -> list[str]:
    ids = (ServiceItem.objects.filter(order_item__order=order, state=ServiceItemState.HELD)
           .values_list("service_order_id", flat=True))
    return sorted(set(ids))


def service_items_of(*, order: ProductOrder) -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(order_item__order=order).select_related("order_item", "rule")


def product_order_ids_stalled(*, before) -> list:
    return list(ProductOrder.objects.filter(
        # Acknowledged too: an order whose validation keeps failing must not wait unseen.
        # Held too: the sweep skips a held order that a fallout case already names.
        state__in=[OrderState.ACKNOWLEDGED, OrderState.IN_PROGRESS, OrderState.HELD, OrderState.PENDING_CANCELLATION,
                   OrderState.ASSESSING_CANCELLATION],
        last_progress_at__lt=before, fallout_requested_at__isnull=True).values_list("pk", flat=True)[:500])
