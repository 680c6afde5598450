from bss.api.filters import RANGE_LOOKUPS, TMFFilterSet

from .models import CancelServiceOrder, ServiceOrder


class ServiceOrderFilterSet(TMFFilterSet):
    tmf_fields = {
        "id": "id",
        "state": "state",
        "externalId": "external_id",
        "category": "category",
        "priority": "priority",
        "orderDate": ("created_at", RANGE_LOOKUPS),
        "completionDate": ("completion_date", RANGE_LOOKUPS),
    }

    class Meta:
        model = ServiceOrder
        fields = []


class CancelServiceOrderFilterSet(TMFFilterSet):
    tmf_fields = {"id": "id", "state": "state", "serviceOrder.id": "service_order_id"}

    class Meta:
        model = CancelServiceOrder
        fields = []
