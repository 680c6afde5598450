"""What each operator action means for the context that owns the failed work.

The fallout app decides nothing about orders or deliveries: it calls the owner's service. Owners are looked
up at call time so a context that has not shipped a service yet answers a clear 503 instead of breaking imports."""
import importlib

from bss.errors import NotFound, Unavailable, ValidationFailed

from .choices import FalloutAction, FalloutSource

A = FalloutAction


def owner_service(module: str, name: str):
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        found = None
    if found is None:
        raise Unavailable(f"{module}.{name} is not available, so this action cannot run yet")
    return found


def _activation(case, action, reason):
    services = "apps.service_ordering.services"
    if action == A.CANCEL_ORDER and case.product_order_id:
        return _ordering(case, action, reason)
    if not case.service_order_id:
        raise ValidationFailed("this case names no service order to act on")
    if action == A.CANCEL_ORDER:
        return owner_service(services, "service_order_cancel")(service_order_id=case.service_order_id, reason=reason)
    name = {A.REDRIVE: "service_order_item_redrive", A.SKIP_STEP: "service_order_item_skip_step",
            A.COMPENSATE: "service_order_item_compensate"}.get(action)
    if name is None:
        raise ValidationFailed(f"'{action}' does not apply to a service order item")
    return owner_service(services, name)(service_order_id=case.service_order_id, item_key=case.item_key,
                                         reason=reason)


def _ordering(case, action, reason):
    """COM's recovery of a product order: cancellation is a TMF622 task resource; COM retries by itself."""
    if not case.product_order_id:
        raise ValidationFailed("this case names no product order to act on")
    if action != A.CANCEL_ORDER:
        raise ValidationFailed(f"'{action}' does not apply to a product order; cancel it, or act on its service "
                               "order's case")
    return owner_service("apps.product_ordering.services", "cancel_product_order_create")(
        owner=None, order_id=case.product_order_id, reason=reason)


def _notifications(case, action, reason):
    if action != A.REDRIVE:
        raise ValidationFailed(f"'{action}' does not apply to a dead-lettered delivery; re-drive or resolve it")
    from django.core.exceptions import ObjectDoesNotExist

    from bss.events import delivery_redrive

    try:
        return delivery_redrive(delivery_id=case.delivery_id)
    except (ObjectDoesNotExist, ValueError):
        raise NotFound(f"no delivery {case.delivery_id!r}") from None


def _reconciliation(case, action, reason):
    """Drift: repair again (the network takes TMF638's values), or accept the network's values into TMF638."""
    name = {A.REDRIVE: "drift_repair_schedule", A.SYNC_INVENTORY: "drift_sync_inventory"}.get(action)
    if name is None:
        raise ValidationFailed(f"'{action}' does not apply to drift; re-drive (repair again), sync the inventory "
                               "or resolve it")
    drift_id = case.context.get("drift_id")
    if not drift_id:
        raise ValidationFailed("this case names no drift record to repair")
    return owner_service("apps.reconciliation.services", name)(drift_id=drift_id)


# Which actions mean something for each source (the console offers only these).
ACTIONS_BY_SOURCE = {
    FalloutSource.ACTIVATION: (A.REDRIVE, A.SKIP_STEP, A.COMPENSATE, A.CANCEL_ORDER),
    FalloutSource.ORDERING: (A.CANCEL_ORDER,),
    FalloutSource.NOTIFICATIONS: (A.REDRIVE,),
    FalloutSource.RECONCILIATION: (A.REDRIVE, A.SYNC_INVENTORY),
}

OWNERS = {FalloutSource.ACTIVATION: _activation, FalloutSource.ORDERING: _ordering,
          FalloutSource.NOTIFICATIONS: _notifications, FalloutSource.RECONCILIATION: _reconciliation}


def owner_act(case, action: str, reason: str):
    return OWNERS[case.source](case, FalloutAction(action), reason)
