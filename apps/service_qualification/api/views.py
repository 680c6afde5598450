from bss.api.viewsets import tmf_viewset

from .. import selectors, services
from ..filtersets import CheckServiceQualificationFilterSet, QueryServiceQualificationFilterSet
from .serializers import (CheckServiceQualificationCreateSerializer, CheckServiceQualificationSerializer,
                          QueryServiceQualificationCreateSerializer, QueryServiceQualificationSerializer)


def _check_create(*, data, caller):
    return services.check_service_qualification_create(owner=caller, attributes=data["attributes"],
                                                       items=data["items"])


def _check_delete(*, instance, caller):
    services.check_service_qualification_delete(task=instance)


def _query_create(*, data, caller):
    return services.query_service_qualification_create(owner=caller, attributes=data["attributes"],
                                                       search_criteria=data["search_criteria"])


CheckServiceQualificationViewSet = tmf_viewset(
    "CheckServiceQualificationViewSet", api="tmf645", queryset=selectors.check_service_qualification_list(),
    owner_field="owner", serializer_class=CheckServiceQualificationSerializer,
    create_serializer_class=CheckServiceQualificationCreateSerializer,
    filterset_class=CheckServiceQualificationFilterSet, create_service=_check_create, delete_service=_check_delete)

QueryServiceQualificationViewSet = tmf_viewset(
    "QueryServiceQualificationViewSet", api="tmf645", queryset=selectors.query_service_qualification_list(),
    owner_field="owner", serializer_class=QueryServiceQualificationSerializer,
    create_serializer_class=QueryServiceQualificationCreateSerializer,
    filterset_class=QueryServiceQualificationFilterSet, create_service=_query_create)
