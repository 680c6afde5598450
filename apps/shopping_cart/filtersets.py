from bss.api.filters import RANGE_LOOKUPS, TMFFilterSet

from .models import ShoppingCart


class ShoppingCartFilterSet(TMFFilterSet):
    tmf_fields = {
        "id": "id",
        "status": "status",
        "validFor.endDateTime": ("valid_to", RANGE_LOOKUPS),
        "validFor.startDateTime": ("valid_from", RANGE_LOOKUPS),
    }

    class Meta:
        model = ShoppingCart
        fields = []
