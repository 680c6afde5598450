from bss.api.filters import RANGE_LOOKUPS, TMFFilterSet

from .models import FalloutCase


class FalloutCaseFilterSet(TMFFilterSet):
    """Shared by the console worklist and any API: `state=open,assigned`, `createdAt.lt=...`."""

    tmf_fields = {"state": "state", "source": "source", "kind": "kind", "assignee": "assignee",
                  "productOrderId": "product_order_id", "serviceOrderId": "service_order_id",
                  "serviceId": "service_id", "createdAt": ("created_at", RANGE_LOOKUPS)}

    class Meta:
        model = FalloutCase
        fields = []
