"""TMF641 ServiceOrder / CancelServiceOrder JSON ↔ the activation domain (the anti-corruption layer)."""
from rest_framework import serializers

from bss.api.refs import (CharacteristicInputSerializer, RefInputSerializer, RelatedPartyInputSerializer,
                          VersionedRefInputSerializer, characteristics_render, compact, ref_render)
from bss.api.serializers import TMFInputSerializer, TMFReadSerializer, href_for

from ..choices import ItemAction, tmf_item_state
from ..models import CancelServiceOrder, ServiceOrder


def related_parties_render(parties: list[dict]) -> list[dict]:
    return [ref_render(p["id"], name=p.get("name"), role=p.get("role") or None,
                       referred_type=p.get("type") or "Party", **{"@type": "RelatedParty"}) for p in parties]


def item_render(item, cancelling: bool) -> dict:
    service = {"id": item.service_id or None,
               "href": href_for("tmf638", "service", item.service_id) or None if item.service_id else None,
               "name": item.service_name or None,
               "serviceSpecification": ref_render(item.service_spec_id, version=item.service_spec_version or None,
                                                  referred_type="ServiceSpecification")
               if item.service_spec_id else None,
               "serviceCharacteristic": characteristics_render(item.characteristics),
               "@type": "Service"}
    return compact({
        "id": item.key, "action": item.action, "quantity": 1, "state": tmf_item_state(item.state, cancelling=cancelling),
        "service": service, "@type": "ServiceOrderItem",
        "serviceOrderItemRelationship": [{"relationshipType": "reliesOn",
                                          "orderItem": {"id": key, "itemId": key, "serviceOrderId": str(item.order_id),
                                                        "@referredType": "ServiceOrderItem"}}
                                         for key in item.relies_on],
        "errorMessage": [{"code": "ACTIVATION", "reason": "activation failed", "message": item.error,
                          "@type": "ServiceOrderItemErrorMessage"}] if item.error else None,
    })


class ServiceOrderSerializer(TMFReadSerializer):
    externalId = serializers.CharField(source="external_id")
    description = serializers.CharField()
    category = serializers.CharField()
    priority = serializers.CharField()
    state = serializers.CharField()
    orderDate = serializers.DateTimeField(source="created_at")
    startDate = serializers.DateTimeField(source="start_date")
    completionDate = serializers.DateTimeField(source="completion_date")
    requestedStartDate = serializers.DateTimeField(source="requested_start_date")
    requestedCompletionDate = serializers.DateTimeField(source="requested_completion_date")
    expectedCompletionDate = serializers.DateTimeField(source="expected_completion_date")
    cancellationDate = serializers.DateTimeField(source="cancellation_date")
    cancellationReason = serializers.CharField(source="cancellation_reason")
    relatedParty = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()
    externalReference = serializers.SerializerMethodField()
    serviceOrderItem = serializers.SerializerMethodField()

    class Meta:
        model = ServiceOrder
        tmf = ("tmf641", "serviceOrder", "ServiceOrder")
        fields = ["id", "href", "externalId", "description", "category", "priority", "state", "orderDate",
                  "startDate", "completionDate", "requestedStartDate", "requestedCompletionDate",
                  "expectedCompletionDate", "cancellationDate", "cancellationReason", "relatedParty", "note",
                  "externalReference", "serviceOrderItem"]

    def get_relatedParty(self, obj) -> list[dict]:
        return related_parties_render(obj.related_parties)

    def get_note(self, obj) -> list[dict]:
        return [compact({"text": n.get("text", ""), "author": n.get("author") or None, "date": n.get("date") or None,
                         "@type": "Note"}) for n in obj.notes]

    def get_externalReference(self, obj) -> list[dict]:
        return [compact({"name": r["name"], "externalReferenceType": r.get("type") or None,
                         "@type": "ExternalReference"}) for r in obj.external_references]

    def get_serviceOrderItem(self, obj) -> list[dict]:
        return [item_render(item, obj.cancel_requested) for item in obj.items.all()]

    def to_representation(self, instance):
        data = compact(super().to_representation(instance))
        return {key: value for key, value in data.items() if value != ""}


class ServiceInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    serviceSpecification = VersionedRefInputSerializer(required=False)
    serviceCharacteristic = CharacteristicInputSerializer(many=True, required=False)
    relatedParty = RelatedPartyInputSerializer(many=True, required=False)

    def validate_serviceCharacteristic(self, value):
        names = [item["name"] for item in value]
        if len(set(names)) != len(names):
            raise serializers.ValidationError("characteristic names must be unique")
        return value


class OrderItemRefInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=200, required=False)
    itemId = serializers.CharField(max_length=200, required=False)

    def validate(self, attrs):
        if not (attrs.get("itemId") or attrs.get("id")):
            raise serializers.ValidationError("itemId is required")
        return attrs


class ItemRelationshipInputSerializer(serializers.Serializer):
    relationshipType = serializers.CharField(max_length=50)
    orderItem = OrderItemRefInputSerializer()


class ServiceOrderItemInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=200)
    action = serializers.ChoiceField(choices=ItemAction.choices)
    quantity = serializers.IntegerField(required=False, min_value=1, max_value=1)
    service = ServiceInputSerializer()
    serviceOrderItemRelationship = ItemRelationshipInputSerializer(many=True, required=False)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        service = values["service"]
        spec = service.get("serviceSpecification") or {}
        parties = service.get("relatedParty") or []
        return {"key": values["id"], "action": values["action"], "service_spec_id": spec.get("id") or "",
                "service_spec_version": spec.get("version") or "", "service_id": service.get("id") or None,
                "characteristics": {c["name"]: c["value"] for c in service.get("serviceCharacteristic") or []},
                "relies_on": [rel["orderItem"].get("itemId") or rel["orderItem"]["id"]
                              for rel in values.get("serviceOrderItemRelationship") or []
                              if rel["relationshipType"].lower() == "relieson"],
                "related_party_id": parties[0]["id"] if parties else ""}


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    author = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date = serializers.DateTimeField(required=False)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if values.get("date"):
            values["date"] = values["date"].isoformat()
        return values


class ExternalReferenceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    externalReferenceType = serializers.CharField(max_length=100, required=False, allow_blank=True, source="type")


class ServiceOrderUpdateSerializer(TMFInputSerializer):
    """What a client may change on an order: descriptive attributes (state moves by activation and cancel)."""

    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)
    priority = serializers.CharField(max_length=10, required=False, allow_blank=True)
    requestedStartDate = serializers.DateTimeField(required=False, allow_null=True, source="requested_start_date")
    requestedCompletionDate = serializers.DateTimeField(required=False, allow_null=True,
                                                        source="requested_completion_date")
    note = NoteInputSerializer(many=True, required=False, source="notes")
    relatedParty = RelatedPartyInputSerializer(many=True, required=False)
    externalReference = ExternalReferenceInputSerializer(many=True, required=False, source="external_references")
    read_only_attributes = ("state", "serviceOrderItem", "orderDate", "completionDate", "startDate")

    def to_internal_value(self, data):
        if isinstance(data, dict) and type(self) is ServiceOrderUpdateSerializer:
            fixed = [name for name in self.read_only_attributes if name in data]
            if fixed:
                raise serializers.ValidationError({fixed[0]: "cannot be changed here (state moves through "
                                                             "activation and cancelServiceOrder)"})
        values = super().to_internal_value(data)
        if "relatedParty" in values:
            values["related_parties"] = [{"id": p["id"], "name": p["name"], "role": p.get("role") or "",
                                          "type": p["referred_type"]} for p in values.pop("relatedParty")]
        return values


class ServiceOrderCreateSerializer(ServiceOrderUpdateSerializer):
    externalId = serializers.CharField(max_length=200, required=False, allow_blank=True, source="external_id")
    serviceOrderItem = ServiceOrderItemInputSerializer(many=True, allow_empty=False)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        return {"external_id": values.pop("external_id", ""), "items": values.pop("serviceOrderItem"),
                "details": {k: v for k, v in values.items() if not k.startswith("at_")}}


class CancelServiceOrderSerializer(TMFReadSerializer):
    cancellationReason = serializers.CharField(source="reason")
    requestedCancellationDate = serializers.DateTimeField(source="requested_cancellation_date")
    effectiveCancellationDate = serializers.DateTimeField(source="effective_cancellation_date")
    completionMessage = serializers.CharField(source="completion_message")
    errorMessage = serializers.SerializerMethodField()
    state = serializers.CharField()
    serviceOrder = serializers.SerializerMethodField()

    class Meta:
        model = CancelServiceOrder
        tmf = ("tmf641", "cancelServiceOrder", "CancelServiceOrder")
        fields = ["id", "href", "cancellationReason", "requestedCancellationDate", "effectiveCancellationDate",
                  "completionMessage", "errorMessage", "state", "serviceOrder"]

    def get_errorMessage(self, obj) -> dict | None:
        return {"code": "CANCELLATION", "reason": "cancellation did not complete", "message": obj.error_message,
                "@type": "ErrorMessage"} if obj.error_message else None

    def get_serviceOrder(self, obj) -> dict:
        return ref_render(obj.service_order_id, referred_type="ServiceOrder",
                          href=href_for("tmf641", "serviceOrder", obj.service_order_id) or None)

    def to_representation(self, instance):
        data = compact(super().to_representation(instance))
        return {key: value for key, value in data.items() if value != ""}


class CancelServiceOrderCreateSerializer(TMFInputSerializer):
    serviceOrder = RefInputSerializer()
    cancellationReason = serializers.CharField(required=False, allow_blank=True, source="reason")
    requestedCancellationDate = serializers.DateTimeField(required=False, source="requested_at")
