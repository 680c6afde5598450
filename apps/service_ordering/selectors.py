from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from .models import ActivationJob, CancelServiceOrder, ServiceOrder, ServiceOrderItem


def service_order_list():
    return ServiceOrder.objects.prefetch_related(Prefetch("items", queryset=ServiceOrderItem.objects.order_by("id")))


def service_order_get(*, service_order_id, owner_party_id: str | None = None) -> ServiceOrder | None:
    orders = service_order_list()
    if owner_party_id is not None:
        orders = orders.filter(owner_party_id=owner_party_id)
    try:
        return orders.filter(pk=service_order_id).first()
    except (ValueError, TypeError, ValidationError):  # malformed id → unknown order
        return None


def service_order_get_by_external_id(*, external_id: str) -> ServiceOrder | None:
    return service_order_list().filter(external_id=external_id).first() if external_id else None


def cancel_service_order_list():
    return CancelServiceOrder.objects.select_related("service_order")


def cancel_service_order_get(*, cancel_id) -> CancelServiceOrder | None:
    try:
        return cancel_service_order_list().filter(pk=cancel_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def cancel_service_order_latest(*, service_order_id) -> CancelServiceOrder | None:
    return cancel_service_order_list().filter(service_order_id=service_order_id).order_by("-created_at").first()


def activation_jobs_of(*, service_order_id):
    """Every step job of the order, in execution order (console timeline, tests)."""
    return ActivationJob.objects.select_related("item").filter(item__order_id=service_order_id).order_by("id")
