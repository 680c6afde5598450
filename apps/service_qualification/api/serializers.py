"""TMF645 CheckServiceQualification / QueryServiceQualification JSON ↔ the qualification domain (ACL)."""
from rest_framework import serializers

from bss.api.refs import (CharacteristicInputSerializer, RelatedPartyInputSerializer, characteristics_render, compact,
                          ref_render)
from bss.api.serializers import TMFInputSerializer, TMFReadSerializer, href_for

from ..models import CheckServiceQualification, QueryServiceQualification

PLACE_FIELDS = (("id", "id"), ("streetNr", "street_nr"), ("streetName", "street_name"), ("postcode", "postcode"),
                ("city", "city"), ("country", "country"))


def place_render(place: dict, address_id: str = "") -> list[dict]:
    if not place and not address_id:
        return []
    body = {json_name: place.get(attr) or None for json_name, attr in PLACE_FIELDS}
    body["id"] = address_id or body["id"]
    body.update({"role": place.get("role") or "installationAddress", "@type": "GeographicAddress"})
    return [compact(body)]


def spec_ref_render(spec_id, name="", version="", request=None) -> dict | None:
    if not spec_id:
        return None
    return ref_render(spec_id, name=name, version=version or None, referred_type="ServiceSpecification",
                      href=href_for("tmf633", "serviceSpecification", spec_id, request) or None)


def related_parties_render(parties: list[dict]) -> list[dict]:
    return [ref_render(p["party_id"], name=p.get("name"), role=p.get("role") or None,
                       referred_type=p.get("kind") or "Individual") for p in parties]


def date(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


class CheckServiceQualificationSerializer(TMFReadSerializer):
    checkServiceQualificationDate = serializers.SerializerMethodField()
    description = serializers.CharField()
    externalId = serializers.CharField(source="external_id")
    instantSyncQualification = serializers.BooleanField(source="instant_sync")
    provideAlternative = serializers.BooleanField(source="provide_alternative")
    provideUnavailabilityReason = serializers.BooleanField(source="provide_unavailability_reason")
    qualificationResult = serializers.CharField(source="qualification_result")
    state = serializers.CharField()
    effectiveQualificationDate = serializers.SerializerMethodField()
    expirationDate = serializers.SerializerMethodField()
    relatedParty = serializers.SerializerMethodField()
    serviceQualificationItem = serializers.SerializerMethodField()

    class Meta:
        model = CheckServiceQualification
        tmf = ("tmf645", "checkServiceQualification", "CheckServiceQualification")
        fields = ["id", "href", "checkServiceQualificationDate", "description", "externalId",
                  "instantSyncQualification", "provideAlternative", "provideUnavailabilityReason",
                  "qualificationResult", "state", "effectiveQualificationDate", "expirationDate", "relatedParty",
                  "serviceQualificationItem"]

    def get_checkServiceQualificationDate(self, obj) -> str:
        return date(obj.created_at)

    def get_effectiveQualificationDate(self, obj) -> str | None:
        return date(obj.effective_qualification_date)

    def get_expirationDate(self, obj) -> str | None:
        return date(obj.expiration_date)

    def get_relatedParty(self, obj) -> list[dict]:
        return related_parties_render(obj.related_parties)

    def get_serviceQualificationItem(self, obj) -> list[dict]:
        request = self.context.get("request")
        rendered = []
        for item in obj.items.all():
            service = compact({
                "serviceSpecification": spec_ref_render(item.service_spec_id, item.service_spec_name,
                                                        item.service_spec_version, request),
                "serviceCharacteristic": characteristics_render(item.characteristics) or None,
                "place": place_render(item.place, item.address_id) or None, "@type": "Service"})
            rendered.append(compact({
                "id": item.item_id, "state": item.state, "qualificationResult": item.qualification_result or None,
                "expirationDate": date(obj.expiration_date) if item.qualification_result else None,
                "service": service,
                "eligibilityUnavailabilityReason": [{**r, "@type": "ServiceEligibilityUnavailabilityReason"}
                                                    for r in item.reasons] or None,
                "alternateServiceProposal": [compact({
                    "id": str(index + 1),
                    "alternateService": compact({
                        "serviceSpecification": spec_ref_render(alt["service_spec_id"], alt["service_spec_name"],
                                                                alt["service_spec_version"], request),
                        "serviceCharacteristic": characteristics_render(alt["characteristics"]) or None,
                        "place": place_render(item.place, item.address_id) or None,
                        "@type": "Service"}),
                    "@type": "AlternateServiceProposal"}) for index, alt in enumerate(item.alternates)] or None,
                "@type": "CheckServiceQualificationItem"}))
        return rendered

    def to_representation(self, instance):
        data = compact(super().to_representation(instance))
        return {key: value for key, value in data.items() if value != ""}


class QueryServiceQualificationSerializer(TMFReadSerializer):
    queryServiceQualificationDate = serializers.SerializerMethodField()
    description = serializers.CharField()
    externalId = serializers.CharField(source="external_id")
    instantSyncQualification = serializers.BooleanField(source="instant_sync")
    state = serializers.CharField()
    effectiveQualificationDate = serializers.SerializerMethodField()
    expirationDate = serializers.SerializerMethodField()
    relatedParty = serializers.SerializerMethodField()
    searchCriteria = serializers.SerializerMethodField()
    serviceQualificationItem = serializers.SerializerMethodField()

    class Meta:
        model = QueryServiceQualification
        tmf = ("tmf645", "queryServiceQualification", "QueryServiceQualification")
        fields = ["id", "href", "queryServiceQualificationDate", "description", "externalId",
                  "instantSyncQualification", "state", "effectiveQualificationDate", "expirationDate",
                  "relatedParty", "searchCriteria", "serviceQualificationItem"]

    def get_queryServiceQualificationDate(self, obj) -> str:
        return date(obj.created_at)

    def get_effectiveQualificationDate(self, obj) -> str | None:
        return date(obj.effective_qualification_date)

    def get_expirationDate(self, obj) -> str | None:
        return date(obj.expiration_date)

    def get_relatedParty(self, obj) -> list[dict]:
        return related_parties_render(obj.related_parties)

    def get_searchCriteria(self, obj) -> dict:
        criteria = obj.search_criteria
        service = compact({"serviceSpecification": spec_ref_render(criteria.get("service_spec_id"),
                                                                   request=self.context.get("request")),
                           "place": place_render(criteria.get("place") or {}) or None})
        return {"service": service} if service else {}

    def get_serviceQualificationItem(self, obj) -> list[dict]:
        request = self.context.get("request")
        place = place_render(obj.search_criteria.get("place") or {}, obj.address_id)
        return [compact({"id": str(index + 1), "qualificationResult": "qualified",
                         "expirationDate": date(obj.expiration_date),
                         "service": compact({"serviceSpecification": spec_ref_render(
                             row["service_spec_id"], row["service_spec_name"], row["service_spec_version"], request),
                             "place": place or None, "@type": "Service"}),
                         "@type": "ServiceQualificationItem"})
                for index, row in enumerate(obj.results)]

    def to_representation(self, instance):
        data = compact(super().to_representation(instance))
        return {key: value for key, value in data.items() if value != ""}


class PlaceInputSerializer(serializers.Serializer):
    """A RelatedPlaceRefOrValue: a known address by id, or a GeographicAddress value."""

    id = serializers.CharField(max_length=64, required=False)
    role = serializers.CharField(max_length=100, required=False, allow_blank=True)
    streetNr = serializers.CharField(max_length=20, required=False, allow_blank=True, source="street_nr")
    streetName = serializers.CharField(max_length=200, required=False, allow_blank=True, source="street_name")
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(max_length=100, required=False, allow_blank=True)


class SpecRefInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=200)
    version = serializers.CharField(max_length=50, required=False, allow_blank=True, allow_null=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True)
    href = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)


class ServiceInputSerializer(serializers.Serializer):
    serviceSpecification = SpecRefInputSerializer(required=False)
    serviceCharacteristic = CharacteristicInputSerializer(many=True, required=False)
    place = PlaceInputSerializer(many=True, required=False)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("a service object is expected")
        values = super().to_internal_value(data)
        spec = values.get("serviceSpecification") or {}
        places = values.get("place") or []
        return {"service_spec_id": spec.get("id") or "", "service_spec_version": spec.get("version") or "",
                "characteristics": {c["name"]: c["value"] for c in values.get("serviceCharacteristic", [])},
                "place": dict(places[0]) if places else {}}


class CheckItemInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100, required=False)
    service = ServiceInputSerializer(required=False)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("a serviceQualificationItem object is expected")
        values = super().to_internal_value(data)
        return {"item_id": values.get("id") or "", **(values.get("service") or {})}


class TaskInputSerializer(TMFInputSerializer):
    description = serializers.CharField(required=False, allow_blank=True)
    externalId = serializers.CharField(max_length=200, required=False, allow_blank=True, source="external_id")
    instantSyncQualification = serializers.BooleanField(required=False, source="instant_sync")
    expectedQualificationDate = serializers.DateTimeField(required=False, source="expected_qualification_date")
    relatedParty = RelatedPartyInputSerializer(many=True, required=False)

    def attributes(self, values) -> dict:
        attributes = {key: value for key, value in values.items()
                      if key not in ("relatedParty", "serviceQualificationItem", "searchCriteria")}
        if "relatedParty" in values:
            attributes["related_parties"] = [{"party_id": p["id"], "role": p.get("role") or "", "name": p["name"],
                                              "kind": p["referred_type"]} for p in values["relatedParty"]]
        return attributes


class CheckServiceQualificationCreateSerializer(TaskInputSerializer):
    """TMF645 JSON → check_service_qualification_create. instantSyncQualification defaults to true (answer `done`
    at once); provideAlternative and provideUnavailabilityReason default to true."""

    provideAlternative = serializers.BooleanField(required=False, source="provide_alternative")
    provideUnavailabilityReason = serializers.BooleanField(required=False, source="provide_unavailability_reason")
    serviceQualificationItem = CheckItemInputSerializer(many=True, allow_empty=False)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        return {"attributes": self.attributes(values), "items": values["serviceQualificationItem"]}


class QueryServiceQualificationCreateSerializer(TaskInputSerializer):
    """searchCriteria: a ServiceQualificationItem; its service.place is where to look, and an optional
    service.serviceSpecification narrows the answer to that specification."""

    searchCriteria = serializers.DictField()

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        criteria = values["searchCriteria"]
        service = ServiceInputSerializer(data=criteria.get("service") or {})
        if not service.is_valid():
            raise serializers.ValidationError({"searchCriteria": {"service": service.errors}})
        found = service.validated_data
        return {"attributes": self.attributes(values),
                "search_criteria": {"place": found["place"], "service_spec_id": found["service_spec_id"]}}
