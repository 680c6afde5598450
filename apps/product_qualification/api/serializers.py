"""TMF679 ProductOfferingQualification JSON ↔ the eligibility domain (ACL)."""
from rest_framework import serializers

from bss.api.refs import (CharacteristicInputSerializer, RelatedPartyInputSerializer, characteristics_render, compact,
                          ref_render)
from bss.api.serializers import TMFInputSerializer, TMFReadSerializer, href_for

from ..models import ProductOfferingQualification


def date(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def offering_ref(offering_id, name, version, request):
    return ref_render(offering_id, name=name, version=version or None, referred_type="ProductOffering",
                      href=href_for("tmf620", "productOffering", offering_id, request) or None)


class ProductOfferingQualificationSerializer(TMFReadSerializer):
    productOfferingQualificationDate = serializers.SerializerMethodField()
    description = serializers.CharField()
    instantSyncQualification = serializers.BooleanField(source="instant_sync")
    provideAlternative = serializers.BooleanField(source="provide_alternative")
    provideOnlyAvailable = serializers.BooleanField(source="provide_only_available")
    provideUnavailabilityReason = serializers.BooleanField(source="provide_unavailability_reason")
    qualificationResult = serializers.CharField(source="qualification_result")
    state = serializers.CharField()
    effectiveQualificationDate = serializers.SerializerMethodField()
    expirationDate = serializers.SerializerMethodField()
    requestedPOQCompletionDate = serializers.SerializerMethodField()
    channel = serializers.JSONField()
    relatedParty = serializers.SerializerMethodField()
    productOfferingQualificationItem = serializers.SerializerMethodField()

    class Meta:
        model = ProductOfferingQualification
        tmf = ("tmf679", "productOfferingQualification", "ProductOfferingQualification")
        fields = ["id", "href", "productOfferingQualificationDate", "description", "instantSyncQualification",
                  "provideAlternative", "provideOnlyAvailable", "provideUnavailabilityReason", "qualificationResult",
                  "state", "effectiveQualificationDate", "expirationDate", "requestedPOQCompletionDate", "channel",
                  "relatedParty", "productOfferingQualificationItem"]

    def get_productOfferingQualificationDate(self, obj) -> str:
        return date(obj.created_at)

    def get_effectiveQualificationDate(self, obj) -> str | None:
        return date(obj.effective_qualification_date)

    def get_expirationDate(self, obj) -> str | None:
        return date(obj.expiration_date)

    def get_requestedPOQCompletionDate(self, obj) -> str | None:
        return date(obj.requested_completion_date)

    def get_relatedParty(self, obj) -> list[dict]:
        return [ref_render(p["party_id"], name=p.get("name"), role=p.get("role") or None,
                           referred_type=p.get("kind") or "Individual") for p in obj.related_parties]

    def get_productOfferingQualificationItem(self, obj) -> list[dict]:
        request = self.context.get("request")
        rendered = []
        for item in obj.items.all():
            if obj.provide_only_available and item.qualification_result not in ("", "qualified"):
                continue
            rendered.append(compact({
                "id": item.item_id, "action": item.action, "state": item.state,
                "qualificationItemResult": item.qualification_result or None,
                "productOffering": offering_ref(item.offering_id, item.offering_name, item.offering_version, request)
                if item.offering_id else None,
                "product": {"productCharacteristic": characteristics_render(item.characteristics), "@type": "Product"}
                if item.characteristics else None,
                "eligibilityUnavailabilityReason": [{**r, "@type": "EligibilityUnavailabilityReason"}
                                                    for r in item.reasons] or None,
                "alternateProductOfferingProposal": [{
                    "id": str(index + 1),
                    "alternateProductOffering": offering_ref(alt["offering_id"], alt["offering_name"],
                                                             alt["offering_version"], request),
                    "@type": "AlternateProductOfferingProposal"} for index, alt in enumerate(item.alternates)] or None,
                "@type": "ProductOfferingQualificationItem"}))
        return rendered

    def to_representation(self, instance):
        data = compact(super().to_representation(instance))
        return {key: value for key, value in data.items() if value != ""}


class OfferingRefInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=200)
    version = serializers.CharField(max_length=50, required=False, allow_blank=True, allow_null=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True)
    href = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)


class ProductValueInputSerializer(serializers.Serializer):
    productCharacteristic = CharacteristicInputSerializer(many=True, required=False)


class ItemInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100, required=False)
    action = serializers.ChoiceField(choices=["add", "modify", "delete", "noChange"], required=False)
    productOffering = OfferingRefInputSerializer(required=False)
    product = ProductValueInputSerializer(required=False)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("a productOfferingQualificationItem object is expected")
        values = super().to_internal_value(data)
        offering = values.get("productOffering") or {}
        characteristics = (values.get("product") or {}).get("productCharacteristic", [])
        return {"item_id": values.get("id") or "", "action": values.get("action") or "add",
                "offering_id": offering.get("id") or "", "offering_version": offering.get("version") or "",
                "characteristics": {c["name"]: c["value"] for c in characteristics}}


class ProductOfferingQualificationCreateSerializer(TMFInputSerializer):
    """TMF679 JSON → product_offering_qualification_create. Defaults: instantSyncQualification true,
    provideAlternative true, provideUnavailabilityReason true, provideOnlyAvailable false; the customer is the
    relatedParty with role customer (its segment and owned products are checked)."""

    description = serializers.CharField(required=False, allow_blank=True)
    instantSyncQualification = serializers.BooleanField(required=False, source="instant_sync")
    provideAlternative = serializers.BooleanField(required=False, source="provide_alternative")
    provideOnlyAvailable = serializers.BooleanField(required=False, source="provide_only_available")
    provideUnavailabilityReason = serializers.BooleanField(required=False, source="provide_unavailability_reason")
    requestedPOQCompletionDate = serializers.DateTimeField(required=False, source="requested_completion_date")
    channel = serializers.DictField(required=False)
    relatedParty = RelatedPartyInputSerializer(many=True, required=False)
    productOfferingQualificationItem = ItemInputSerializer(many=True, required=False)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        items = values.pop("productOfferingQualificationItem", [])
        parties = values.pop("relatedParty", None)
        if parties is not None:
            values["related_parties"] = [{"party_id": p["id"], "role": p.get("role") or "", "name": p["name"],
                                          "kind": p["referred_type"]} for p in parties]
            customer = next((p for p in values["related_parties"] if p["role"].lower() == "customer"), None)
            values["customer_party_id"] = customer["party_id"] if customer else ""
        return {"attributes": values, "items": items}
