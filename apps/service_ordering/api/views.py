from bss.errors import NotFound

from bss.api.viewsets import tmf_viewset

from .. import selectors, services
from ..filtersets import CancelServiceOrderFilterSet, ServiceOrderFilterSet
from .serializers import (CancelServiceOrderCreateSerializer, CancelServiceOrderSerializer,
                          ServiceOrderCreateSerializer, ServiceOrderSerializer, ServiceOrderUpdateSerializer)


def _owner(caller) -> str:
    return str(caller.pk) if caller else ""


def _create_order(*, data, caller):
    return services.service_order_submit(external_id=data["external_id"], requester=f"tmf641:{_owner(caller)}",
                                         items=data["items"], owner_party_id=_owner(caller), **data["details"])


def _update_order(*, instance, data, caller):
    return services.service_order_update(service_order_id=instance.pk,
                                         changes={k: v for k, v in data.items() if not k.startswith("at_")})


def _delete_order(*, instance, caller):
    services.service_order_delete(service_order_id=instance.pk)


def _create_cancel(*, data, caller):
    order_id = data["serviceOrder"]["id"]
    owner = _owner(caller) if caller else None
    if selectors.service_order_get(service_order_id=order_id, owner_party_id=owner) is None:
        raise NotFound(f"no service order with id {order_id}", reference_error="serviceOrder.id")
    services.service_order_cancel(service_order_id=order_id, reason=data.get("reason", ""),
                                  requested_at=data.get("requested_at"))
    return selectors.cancel_service_order_latest(service_order_id=order_id)


ServiceOrderViewSet = tmf_viewset(
    "ServiceOrderViewSet", api="tmf641", queryset=selectors.service_order_list(), owner_field="owner_party_id",
    serializer_class=ServiceOrderSerializer, create_serializer_class=ServiceOrderCreateSerializer,
    update_serializer_class=ServiceOrderUpdateSerializer, filterset_class=ServiceOrderFilterSet,
    create_service=_create_order, update_service=_update_order, delete_service=_delete_order)

CancelServiceOrderViewSet = tmf_viewset(
    "CancelServiceOrderViewSet", api="tmf641", queryset=selectors.cancel_service_order_list(),
    owner_field="owner_party_id", serializer_class=CancelServiceOrderSerializer,
    create_serializer_class=CancelServiceOrderCreateSerializer, filterset_class=CancelServiceOrderFilterSet,
    create_service=_create_cancel)
