from bss.api.viewsets import tmf_viewset

from .. import selectors, services
from ..filtersets import ServiceFilterSet
from .serializers import ServiceCreateSerializer, ServiceSerializer, ServiceUpdateSerializer


def _create(*, data, caller):
    return services.service_create(owner_party_id=str(caller.pk) if caller else "", **data)


def _update(*, instance, data, caller):
    return services.service_update(service_id=instance.pk, changes=data, reason="TMF638 PATCH")


def _delete(*, instance, caller):
    services.service_delete(service_id=instance.pk)


ServiceViewSet = tmf_viewset(
    "ServiceViewSet", api="tmf638", queryset=selectors.service_list(), owner_field="owner_party_id",
    serializer_class=ServiceSerializer, create_serializer_class=ServiceCreateSerializer,
    update_serializer_class=ServiceUpdateSerializer, filterset_class=ServiceFilterSet,
    create_service=_create, update_service=_update, delete_service=_delete)
