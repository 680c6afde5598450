from bss.api.viewsets import tmf_viewset

from .. import selectors, services
from ..filtersets import CancelProductOrderFilterSet, ProductOrderFilterSet
from .serializers import (CancelProductOrderCreateSerializer, CancelProductOrderSerializer,
                          ProductOrderCreateSerializer, ProductOrderSerializer, ProductOrderUpdateSerializer)


def _order_create(*, data, caller):
    return services.product_order_submit(owner=caller, external_id=data["external_id"],
                                         attributes=data["attributes"], items=data["items"])


def _order_update(*, instance, data, caller):
    return services.product_order_update(order=instance, changes=data)


def _order_delete(*, instance, caller):
    services.product_order_delete(order=instance)


def _cancel_create(*, data, caller):
    return services.cancel_product_order_create(owner=caller, **data)


ProductOrderViewSet = tmf_viewset(
    "ProductOrderViewSet", api="tmf622", queryset=selectors.product_order_list(), owner_field="owner",
    serializer_class=ProductOrderSerializer, create_serializer_class=ProductOrderCreateSerializer,
    update_serializer_class=ProductOrderUpdateSerializer, filterset_class=ProductOrderFilterSet,
    create_service=_order_create, update_service=_order_update, delete_service=_order_delete)

CancelProductOrderViewSet = tmf_viewset(
    "CancelProductOrderViewSet", api="tmf622", queryset=selectors.cancel_product_order_list(), owner_field="owner",
    serializer_class=CancelProductOrderSerializer, create_serializer_class=CancelProductOrderCreateSerializer,
    filterset_class=CancelProductOrderFilterSet, create_service=_cancel_create)
