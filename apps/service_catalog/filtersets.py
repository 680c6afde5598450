from bss.api.filters import RANGE_LOOKUPS, TMFFilterSet

from .models import ServiceCandidate, ServiceCatalog, ServiceCategory, ServiceSpecification

CATALOG_ITEM_FILTERS = {"id": "id", "name": "name", "version": "version", "lifecycleStatus": "lifecycle_status",
                        "lastUpdate": ("updated_at", RANGE_LOOKUPS)}


class ServiceSpecificationFilterSet(TMFFilterSet):
    tmf_fields = {**CATALOG_ITEM_FILTERS, "isBundle": "is_bundle", "@type": "at_type", "serviceFamily": "family"}

    class Meta:
        model = ServiceSpecification
        fields = []


class ServiceCatalogFilterSet(TMFFilterSet):
    tmf_fields = CATALOG_ITEM_FILTERS

    class Meta:
        model = ServiceCatalog
        fields = []


class ServiceCategoryFilterSet(TMFFilterSet):
    tmf_fields = {**CATALOG_ITEM_FILTERS, "parentId": "parent"}

    class Meta:
        model = ServiceCategory
        fields = []


class ServiceCandidateFilterSet(TMFFilterSet):
    tmf_fields = {**CATALOG_ITEM_FILTERS, "serviceSpecification.id": "service_specification"}

    class Meta:
        model = ServiceCandidate
        fields = []
