from bss.api.filters import RANGE_LOOKUPS, TMFFilterSet

from .models import CheckServiceQualification, QueryServiceQualification


class CheckServiceQualificationFilterSet(TMFFilterSet):
    tmf_fields = {
        "id": "id",
        "state": "state",
        "qualificationResult": "qualification_result",
        "externalId": "external_id",
        "checkServiceQualificationDate": ("created_at", RANGE_LOOKUPS),
    }

    class Meta:
        model = CheckServiceQualification
        fields = []


class QueryServiceQualificationFilterSet(TMFFilterSet):
    tmf_fields = {
        "id": "id",
        "state": "state",
        "externalId": "external_id",
        "queryServiceQualificationDate": ("created_at", RANGE_LOOKUPS),
    }

    class Meta:
        model = QueryServiceQualification
        fields = []
