"""TMF633 JSON for the service catalog.

Documented extensions on serviceSpecification (allowed by the spec's open schemas):
- `configurationTemplate`: {characteristic name: network parameter name}, how activation configures the network;
- `activation`: {serviceFamily, activator, stepTimeouts: {step: seconds}, reconcileEverySeconds}.
"""
from rest_framework import serializers

from bss.api.catalog import (CATALOG_ITEM_FIELDS, CatalogItemInputSerializer, CatalogItemSerializer,
                             CharacteristicSerializer, RefSerializer, entity_ref)

from ..catalog_base import LifecycleStatus
from ..choices import ServiceFamily
from ..models import ServiceCandidate, ServiceCatalog, ServiceCategory, ServiceSpecification

API = "tmf633"


def ref(obj, resource, request, **extra):
    return entity_ref(obj, api=API, resource=resource, request=request, **extra)


class ServiceCatalogItemInput(CatalogItemInputSerializer):
    lifecycle_choices = tuple(LifecycleStatus.values)


def ref_ids(refs) -> list[str]:
    return [item["id"] for item in refs]


# --- serviceSpecification ----------------------------------------------------------------------------------

class ActivationSerializer(serializers.Serializer):
    serviceFamily = serializers.ChoiceField(ServiceFamily.choices, source="family", required=False, allow_blank=True)
    activator = serializers.CharField(max_length=100, required=False, allow_blank=True)
    stepTimeouts = serializers.DictField(child=serializers.IntegerField(min_value=1), source="step_timeouts",
                                         required=False)
    reconcileEverySeconds = serializers.IntegerField(source="reconcile_every_seconds", min_value=1, required=False,
                                                     allow_null=True)


class ServiceSpecRelationshipInput(serializers.Serializer):
    id = serializers.CharField(source="target_id", max_length=64)
    relationshipType = serializers.CharField(source="relationship_type", max_length=40, required=False)
    role = serializers.CharField(max_length=60, required=False, allow_blank=True)


class ServiceSpecificationSerializer(CatalogItemSerializer):
    isBundle = serializers.BooleanField(source="is_bundle", read_only=True)
    specCharacteristic = CharacteristicSerializer(source="characteristics", many=True, read_only=True)
    serviceSpecRelationship = serializers.SerializerMethodField()
    resourceSpecification = serializers.JSONField(source="resource_specifications", read_only=True)
    configurationTemplate = serializers.JSONField(source="config_template", read_only=True)
    activation = ActivationSerializer(source="*", read_only=True)

    class Meta:
        model = ServiceSpecification
        fields = CATALOG_ITEM_FIELDS + ["isBundle", "specCharacteristic", "serviceSpecRelationship",
                                        "resourceSpecification", "configurationTemplate", "activation"]
        tmf = (API, "serviceSpecification", "ServiceSpecification")

    def get_serviceSpecRelationship(self, obj) -> list[dict]:  # noqa: N802
        request = self.context.get("request")
        return [ref(rel.target, "serviceSpecification", request, relationshipType=rel.relationship_type,
                    **({"role": rel.role} if rel.role else {}))
                for rel in obj.relationships.all()]


class ServiceSpecificationInputSerializer(ServiceCatalogItemInput):
    isBundle = serializers.BooleanField(source="is_bundle", required=False)
    specCharacteristic = CharacteristicSerializer(source="characteristics", many=True, required=False)
    serviceSpecRelationship = ServiceSpecRelationshipInput(source="relationships", many=True, required=False)
    resourceSpecification = RefSerializer(source="resource_specifications", many=True, required=False)
    configurationTemplate = serializers.DictField(child=serializers.CharField(max_length=100),
                                                  source="config_template", required=False)
    activation = ActivationSerializer(source="*", required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "resource_specifications" in attrs:
            attrs["resource_specifications"] = [dict(item) for item in attrs["resource_specifications"]]
        return attrs


# --- serviceCatalog, serviceCategory, serviceCandidate ---------------------------------------------------

class ServiceCatalogSerializer(CatalogItemSerializer):
    category = serializers.SerializerMethodField()

    class Meta:
        model = ServiceCatalog
        fields = CATALOG_ITEM_FIELDS + ["category"]
        tmf = (API, "serviceCatalog", "ServiceCatalog")

    def get_category(self, obj) -> list[dict]:
        return [ref(c, "serviceCategory", self.context.get("request")) for c in obj.categories.all()]


class ServiceCatalogInputSerializer(ServiceCatalogItemInput):
    category = RefSerializer(many=True, required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "category" in attrs:
            attrs["category_ids"] = ref_ids(attrs.pop("category"))
        return attrs


class ServiceCategorySerializer(CatalogItemSerializer):
    isRoot = serializers.BooleanField(source="is_root", read_only=True)
    parentId = serializers.CharField(source="parent_id", read_only=True, allow_null=True)
    category = serializers.SerializerMethodField()
    serviceCandidate = serializers.SerializerMethodField()

    class Meta:
        model = ServiceCategory
        fields = CATALOG_ITEM_FIELDS + ["isRoot", "parentId", "category", "serviceCandidate"]
        tmf = (API, "serviceCategory", "ServiceCategory")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data["parentId"] is None:
            data.pop("parentId")
        return data

    def get_category(self, obj) -> list[dict]:
        return [ref(c, "serviceCategory", self.context.get("request")) for c in obj.children.all()]

    def get_serviceCandidate(self, obj) -> list[dict]:  # noqa: N802
        return [ref(c, "serviceCandidate", self.context.get("request")) for c in obj.candidates.all()]


class ServiceCategoryInputSerializer(ServiceCatalogItemInput):
    parentId = serializers.CharField(source="parent_id", max_length=64, required=False, allow_null=True,
                                     allow_blank=True)


class ServiceCandidateSerializer(CatalogItemSerializer):
    serviceSpecification = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()

    class Meta:
        model = ServiceCandidate
        fields = CATALOG_ITEM_FIELDS + ["serviceSpecification", "category"]
        tmf = (API, "serviceCandidate", "ServiceCandidate")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data["serviceSpecification"] is None:
            data.pop("serviceSpecification")
        return data

    def get_serviceSpecification(self, obj) -> dict | None:  # noqa: N802
        spec = obj.service_specification
        return ref(spec, "serviceSpecification", self.context.get("request")) if spec else None

    def get_category(self, obj) -> list[dict]:
        return [ref(c, "serviceCategory", self.context.get("request")) for c in obj.categories.all()]


class ServiceCandidateInputSerializer(ServiceCatalogItemInput):
    serviceSpecification = RefSerializer(required=True)
    category = RefSerializer(many=True, required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "serviceSpecification" in attrs:
            spec = attrs.pop("serviceSpecification")
            attrs["service_spec_id"], attrs["service_spec_version"] = spec["id"], spec.get("version") or None
        if "category" in attrs:
            attrs["category_ids"] = ref_ids(attrs.pop("category"))
        return attrs
