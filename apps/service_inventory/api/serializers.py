"""TMF638 Service JSON ↔ the service inventory's domain attributes (the anti-corruption layer)."""
from rest_framework import serializers

from bss.api.refs import (CharacteristicInputSerializer, RefInputSerializer, RelatedPartyInputSerializer, WholeInPatch,
                          VersionedRefInputSerializer, characteristics_render, compact, ref_render)
from bss.api.serializers import TMFInputSerializer, TMFReadSerializer, href_for

from ..choices import OperatingStatus, ServiceState
from ..models import Service

PLACE_REF_MEMBERS = ("id", "href", "name", "role", "@referredType", "@type", "@baseType", "@schemaLocation")


def refs_render(refs: list[dict], default_type: str, api: str = "", resource: str = "") -> list[dict]:
    return [ref_render(ref["id"], name=ref.get("name"), referred_type=ref.get("type") or default_type,
                       href=(href_for(api, resource, ref["id"]) or None) if api else None)
            for ref in refs]


class ServiceSerializer(TMFReadSerializer):
    name = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    serviceType = serializers.CharField(source="service_type")
    state = serializers.CharField()
    operatingStatus = serializers.CharField(source="operating_status", help_text="extension: ok|degraded|suspended")
    serviceDate = serializers.DateTimeField(source="service_date")
    startDate = serializers.DateTimeField(source="start_date")
    endDate = serializers.DateTimeField(source="end_date")
    startMode = serializers.CharField(source="start_mode")
    isBundle = serializers.BooleanField(source="is_bundle")
    isServiceEnabled = serializers.BooleanField(source="is_service_enabled")
    isStateful = serializers.BooleanField(source="is_stateful")
    hasStarted = serializers.BooleanField(source="has_started")
    serviceSpecification = serializers.SerializerMethodField()
    serviceCharacteristic = serializers.SerializerMethodField()
    supportingResource = serializers.SerializerMethodField()
    supportingService = serializers.SerializerMethodField()
    relatedParty = serializers.SerializerMethodField()
    serviceOrderItem = serializers.SerializerMethodField()
    place = serializers.JSONField(source="places")
    feature = serializers.JSONField(source="features")
    note = serializers.JSONField(source="notes")
    serviceRelationship = serializers.JSONField(source="service_relationships")
    relatedEntity = serializers.JSONField(source="related_entities")

    class Meta:
        model = Service
        tmf = ("tmf638", "service", "Service")
        fields = ["id", "href", "name", "description", "category", "serviceType", "state", "operatingStatus",
                  "serviceDate", "startDate", "endDate", "startMode", "isBundle", "isServiceEnabled", "isStateful",
                  "hasStarted", "serviceSpecification", "serviceCharacteristic", "supportingResource",
                  "supportingService", "relatedParty", "serviceOrderItem", "place", "feature", "note",
                  "serviceRelationship", "relatedEntity"]

    def get_serviceSpecification(self, obj) -> dict:
        return ref_render(obj.spec_id, name=obj.spec_name, version=obj.spec_version or None,
                          referred_type="ServiceSpecification",
                          href=href_for("tmf633", "serviceSpecification", obj.spec_id) or None)

    def get_serviceCharacteristic(self, obj) -> list[dict]:
        return characteristics_render(obj.characteristics)

    def get_supportingResource(self, obj) -> list[dict]:
        return refs_render(obj.supporting_resources, "Resource")

    def get_supportingService(self, obj) -> list[dict]:
        return refs_render(obj.supporting_services, "Service", "tmf638", "service")

    def get_relatedParty(self, obj) -> list[dict]:
        return [ref_render(p["id"], name=p.get("name"), role=p.get("role") or None,
                           referred_type=p.get("type") or "Party") for p in obj.related_parties]

    def get_serviceOrderItem(self, obj) -> list[dict]:
        return [compact({"serviceOrderId": ref["service_order_id"], "itemId": ref["item_id"],
                         "itemAction": ref.get("action") or None, "@referredType": "ServiceOrder",
                         "serviceOrderHref": href_for("tmf641", "serviceOrder", ref["service_order_id"]) or None})
                for ref in obj.order_items]

    def to_representation(self, instance):
        data = compact(super().to_representation(instance))
        return {key: value for key, value in data.items() if value != ""}


class ServiceOrderItemRefInputSerializer(WholeInPatch):
    serviceOrderId = serializers.CharField(max_length=64, source="service_order_id")
    itemId = serializers.CharField(max_length=200, source="item_id")
    itemAction = serializers.CharField(max_length=20, required=False, allow_blank=True, source="action")


def _refs(values: list[dict]) -> list[dict]:
    return [{"id": ref["id"], "name": ref["name"], "type": ref["referred_type"]} for ref in values]


class ServiceCreateSerializer(TMFInputSerializer):
    """Back-office create: TMF638 JSON → the attributes of apps.service_inventory.services.service_create."""

    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)
    serviceType = serializers.CharField(max_length=100, required=False, allow_blank=True, source="service_type")
    state = serializers.ChoiceField(choices=ServiceState.choices)
    operatingStatus = serializers.ChoiceField(choices=OperatingStatus.choices, required=False,
                                              source="operating_status")
    serviceDate = serializers.DateTimeField(required=False, source="service_date")
    startDate = serializers.DateTimeField(required=False, source="start_date")
    endDate = serializers.DateTimeField(required=False, source="end_date")
    startMode = serializers.CharField(max_length=30, required=False, allow_blank=True, source="start_mode")
    isBundle = serializers.BooleanField(required=False, source="is_bundle")
    isServiceEnabled = serializers.BooleanField(required=False, source="is_service_enabled")
    isStateful = serializers.BooleanField(required=False, source="is_stateful")
    hasStarted = serializers.BooleanField(required=False, source="has_started")
    serviceSpecification = VersionedRefInputSerializer()
    serviceCharacteristic = CharacteristicInputSerializer(many=True, required=False)
    supportingResource = RefInputSerializer(many=True, required=False)
    supportingService = RefInputSerializer(many=True, required=False)
    relatedParty = RelatedPartyInputSerializer(many=True, required=False)
    serviceOrderItem = ServiceOrderItemRefInputSerializer(many=True, required=False)
    place = serializers.ListField(child=serializers.DictField(), required=False, source="places")
    feature = serializers.ListField(child=serializers.DictField(), required=False, source="features")
    note = serializers.ListField(child=serializers.DictField(), required=False, source="notes")
    serviceRelationship = serializers.ListField(child=serializers.DictField(), required=False,
                                                source="service_relationships")
    relatedEntity = serializers.ListField(child=serializers.DictField(), required=False, source="related_entities")

    def validate_place(self, value):
        # Stored as given and rendered back: a reference's members must be what the spec types them (strings).
        for place in value:
            wrong = sorted(key for key in PLACE_REF_MEMBERS if key in place and not isinstance(place[key], str))
            if wrong:
                raise serializers.ValidationError(f"{', '.join(wrong)} of a place must be strings")
        return value

    def validate_serviceCharacteristic(self, value):
        names = [item["name"] for item in value]
        if len(set(names)) != len(names):
            raise serializers.ValidationError("characteristic names must be unique")
        return value

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "serviceSpecification" in values:
            spec = values.pop("serviceSpecification")
            values.update(spec_id=spec["id"], spec_name=spec["name"], spec_version=spec.get("version") or "")
        if "serviceCharacteristic" in values:
            values["characteristics"] = {c["name"]: c["value"] for c in values.pop("serviceCharacteristic")}
        for json_name, name in (("supportingResource", "supporting_resources"),
                                ("supportingService", "supporting_services")):
            if json_name in values:
                values[name] = _refs(values.pop(json_name))
        if "relatedParty" in values:
            values["related_parties"] = [{"id": p["id"], "name": p["name"], "role": p.get("role") or "",
                                          "type": p["referred_type"]} for p in values.pop("relatedParty")]
        if "serviceOrderItem" in values:
            values["order_items"] = [dict(ref) for ref in values.pop("serviceOrderItem")]
        return values


class ServiceUpdateSerializer(ServiceCreateSerializer):
    state = serializers.ChoiceField(choices=ServiceState.choices, required=False)
    serviceSpecification = VersionedRefInputSerializer(required=False)
