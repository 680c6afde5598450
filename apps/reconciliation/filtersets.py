from bss.api.filters import RANGE_LOOKUPS, TMFFilterSet

from .models import DriftRecord


class DriftRecordFilterSet(TMFFilterSet):
    """Shared by the console's drift list and any API: `state=open,escalated&kind=config`."""

    tmf_fields = {"state": "state", "kind": "kind", "family": "family", "platform": "platform",
                  "detectedBy": "detected_by", "serviceId": "service_id",
                  "detectedAt": ("detected_at", RANGE_LOOKUPS)}

    class Meta:
        model = DriftRecord
        fields = []
