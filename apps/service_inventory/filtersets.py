from bss.api.filters import RANGE_LOOKUPS, TMFFilterSet

from .models import Service


class ServiceFilterSet(TMFFilterSet):
    tmf_fields = {
        "id": "id",
        "state": "state",
        "name": "name",
        "category": "category",
        "serviceType": "service_type",
        "serviceDate": ("service_date", RANGE_LOOKUPS),
        "startDate": ("start_date", RANGE_LOOKUPS),
        "serviceSpecification.id": "spec_id",
        "operatingStatus": "operating_status",
        "family": "family",
    }

    class Meta:
        model = Service
        fields = []
