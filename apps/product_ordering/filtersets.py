from bss.api.filters import RANGE_LOOKUPS, TMFFilterSet

from .models import CancelProductOrder, ProductOrder


class ProductOrderFilterSet(TMFFilterSet):
    tmf_fields = {
        "id": "id",
        "state": "state",
        "externalId": "external_id",
        "category": "category",
        "priority": "priority",
        "relatedParty.id": "customer_party_id",
        "billingAccount.id": "billing_account_id",
        "orderDate": ("order_date", RANGE_LOOKUPS),
        "completionDate": ("completion_date", RANGE_LOOKUPS),
        "requestedCompletionDate": ("requested_completion_date", RANGE_LOOKUPS),
    }

    class Meta:
        model = ProductOrder
        fields = []


class CancelProductOrderFilterSet(TMFFilterSet):
    tmf_fields = {
        "id": "id",
        "state": "state",
        "productOrder.id": "order_id",
        "requestedCancellationDate": ("requested_cancellation_date", RANGE_LOOKUPS),
    }

    class Meta:
        model = CancelProductOrder
        fields = []
