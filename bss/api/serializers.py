"""Serializer bases: TMF polymorphism attributes and href on every resource."""
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from rest_framework import serializers

AT_FIELDS = (("@type", "at_type"), ("@baseType", "at_base_type"), ("@schemaLocation", "at_schema_location"))


def href_for(api: str, resource: str, pk, request=None) -> str:
    try:
        path = reverse(f"{api}:{resource}-detail", args=[str(pk)])
    except NoReverseMatch:
        return ""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


class TMFReadSerializer(serializers.ModelSerializer):
    """Renders id, href and @type/@baseType/@schemaLocation; subclasses list the resource's own fields.

    Meta.tmf = (api, resource, default @type)."""

    id = serializers.CharField(read_only=True)
    href = serializers.SerializerMethodField()

    def get_href(self, obj) -> str:
        api, resource, _ = self.Meta.tmf
        return href_for(api, resource, obj.pk, self.context.get("request"))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        default_type = self.Meta.tmf[2]
        for json_name, attr in AT_FIELDS:
            value = getattr(instance, attr, "") or (default_type if json_name == "@type" else "")
            if value:
                data[json_name] = value
        return data


class TMFInputSerializer(serializers.Serializer):
    """Input side: accepts @type/@baseType/@schemaLocation (strings only) and maps them to model names."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"body": "a JSON object is expected"})
        values = super().to_internal_value(data)
        for json_name, attr in AT_FIELDS:
            if json_name in data:
                value = data[json_name]
                if value is not None and not isinstance(value, str):
                    raise serializers.ValidationError({json_name: "must be a string"})
                values[attr] = value or ""
        return values
