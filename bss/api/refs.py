"""TMF reference shapes shared by every API: input serializers for refs, and rendering without nulls."""
from rest_framework import serializers


def compact(value):
    """Drop None values (recursively): the TMF schemas type their attributes, and null is not a string."""
    if isinstance(value, dict):
        return {key: compact(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [compact(item) for item in value]
    return value


def ref_render(ref_id, *, name: str | None = None, href: str | None = None, referred_type: str | None = None,
               **extra) -> dict:
    """A TMF entity reference: {id, href?, name?, @referredType?, ...extra}; empty values are left out."""
    body = {"id": str(ref_id), "href": href or None, "name": name or None, "@referredType": referred_type or None}
    body.update(extra)
    return {key: value for key, value in body.items() if value not in (None, "")}


class WholeInPatch(serializers.Serializer):
    """A nested object is replaced whole by a merge-patch, so its required fields stay required
    (DRF skips required checks in every nested serializer of a partial update)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            missing = {field.field_name: "This field is required." for field in self._writable_fields
                       if field.required and field.field_name not in data}
            if missing:
                raise serializers.ValidationError(missing)
        return super().to_internal_value(data)


class RefInputSerializer(WholeInPatch):
    """{id, href?, name?, @referredType?} → {"id", "name", "referred_type"}."""

    id = serializers.CharField(max_length=200)
    href = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("a reference object {id, ...} is expected")
        values = super().to_internal_value(data)
        referred = data.get("@referredType")
        if referred is not None and not isinstance(referred, str):
            raise serializers.ValidationError({"@referredType": "must be a string"})
        values["referred_type"] = referred or ""
        values["name"] = values.get("name") or ""
        values.pop("href", None)
        return values



class InstallationPlaceInput(serializers.Serializer):
    """A product's `place` (RelatedPlaceRefOrValue): one ref {id, role?} to the installation address."""

    place = RefInputSerializer(many=True, required=False)

    def validate_place(self, value):
        if len(value) > 1:
            raise serializers.ValidationError("one place (the installation address) per product")
        if value and len(value[0]["id"]) > 64:
            raise serializers.ValidationError("place.id is not a geographic address id")
        return value

class VersionedRefInputSerializer(RefInputSerializer):
    version = serializers.CharField(max_length=50, required=False, allow_blank=True, allow_null=True)


class RelatedPartyInputSerializer(RefInputSerializer):
    role = serializers.CharField(max_length=100, required=False, allow_blank=True, allow_null=True)


class CharacteristicInputSerializer(WholeInPatch):
    """{name, value, valueType?} → {"name", "value", "value_type"}; value is any JSON."""

    name = serializers.CharField(max_length=200)
    value = serializers.JSONField()
    valueType = serializers.CharField(max_length=50, required=False, allow_blank=True, allow_null=True,
                                      source="value_type")


def characteristics_render(values: dict, value_types: dict | None = None) -> list[dict]:
    """{name: value} → [{name, value, valueType?}] in a stable order."""
    value_types = value_types or {}
    rendered = []
    for name, value in sorted(values.items()):
        item = {"name": name, "value": value}
        if value_types.get(name):
            item["valueType"] = value_types[name]
        rendered.append(item)
    return rendered
