from bss.api.viewsets import tmf_viewset

from .. import selectors, services
from ..filtersets import ProductFilterSet
from .serializers import ProductCreateSerializer, ProductSerializer, ProductUpdateSerializer


def _create(*, data, caller):
    return services.product_create(attributes=data["attributes"], status=data["status"], owner=caller)


def _update(*, instance, data, caller):
    return services.product_update(product=instance, attributes=data["attributes"], status=data.get("status"))


def _delete(*, instance, caller):
    services.product_delete(product=instance)


ProductViewSet = tmf_viewset(
    "ProductViewSet", api="tmf637", queryset=selectors.product_list(), owner_field="owner",
    serializer_class=ProductSerializer, create_serializer_class=ProductCreateSerializer,
    update_serializer_class=ProductUpdateSerializer, filterset_class=ProductFilterSet,
    create_service=_create, update_service=_update, delete_service=_delete)
