from bss.api.viewsets import tmf_viewset

from .. import selectors, services
from ..filtersets import ProductOfferingQualificationFilterSet
from .serializers import ProductOfferingQualificationCreateSerializer, ProductOfferingQualificationSerializer


def _create(*, data, caller):
    return services.product_offering_qualification_create(owner=caller, attributes=data["attributes"],
                                                          items=data["items"])


def _delete(*, instance, caller):
    services.product_offering_qualification_delete(task=instance)


ProductOfferingQualificationViewSet = tmf_viewset(
    "ProductOfferingQualificationViewSet", api="tmf679", queryset=selectors.product_offering_qualification_list(),
    owner_field="owner", serializer_class=ProductOfferingQualificationSerializer,
    create_serializer_class=ProductOfferingQualificationCreateSerializer,
    filterset_class=ProductOfferingQualificationFilterSet, create_service=_create, delete_service=_delete)
