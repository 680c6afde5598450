from bss.api.filters import RANGE_LOOKUPS, TMFFilterSet

from .models import ProductOfferingQualification


class ProductOfferingQualificationFilterSet(TMFFilterSet):
    tmf_fields = {
        "id": "id",
        "state": "state",
        "qualificationResult": "qualification_result",
        "productOfferingQualificationDate": ("created_at", RANGE_LOOKUPS),
    }

    class Meta:
        model = ProductOfferingQualification
        fields = []
