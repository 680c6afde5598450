"""POST /hub {callback, query} → 201; GET /hub/{id}; DELETE /hub/{id} → 204 — on every TMF API."""
import re
from urllib.parse import urlsplit

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from bss.hub import hub_subscribe, hub_unsubscribe
from bss.models import HubSubscription

from .serializers import TMFInputSerializer
from .versions import V4, api_version


class HubSerializer(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)

    class Meta:
        model = HubSubscription
        fields = ["id", "callback", "query"]

    def to_representation(self, instance):
        """No query, no attribute: the spec types it a string, and null is not one (found by fuzzing)."""
        data = super().to_representation(instance)
        if not data["query"]:
            del data["query"]
        return data


# An absolute http(s) URI (RFC 3986: ASCII, valid escapes; IPv6 hosts bracketed). Anything else would be stored and
# rendered as a callback that is no URI at all (found by fuzzing: "https://Ó", "http://÷~d").
_ESCAPE = "%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|{_ESCAPE})"
_USERINFO = rf"(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|{_ESCAPE})*@"
_HOST = rf"(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|{_ESCAPE})+)"
CALLBACK_PATTERN = (rf"^[Hh][Tt][Tt][Pp][Ss]?://(?:{_USERINFO})?{_HOST}(?::[0-9]*)?(?:/{_PCHAR}*)*"
                    rf"(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?$")


def callback_is_uri(value: str) -> None:
    try:
        has_host = bool(re.fullmatch(CALLBACK_PATTERN, value)) and bool(urlsplit(value).hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        has_host = False
    if not has_host:
        raise ValidationError("callback must be an http(s) URL")


@extend_schema_field({"type": "string", "pattern": CALLBACK_PATTERN, "maxLength": 500})
class CallbackField(serializers.CharField):
    """An http(s) listener URL, as the schema says (for clients and fuzzers); bss.hub then refuses private hosts."""

    def __init__(self, **kwargs):
        super().__init__(validators=[callback_is_uri], **kwargs)


class HubCreateSerializer(TMFInputSerializer):
    callback = CallbackField(max_length=500)
    query = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)


def hub_viewset_for(api: str):
    from .viewsets import TMFViewSet, caller_party, project_fields

    def create(*, data, caller):
        return hub_subscribe(api=api, callback=data["callback"], query=data.get("query") or "",
                             owner_party_id=str(caller.pk) if caller else "")

    def delete(*, instance, caller):
        hub_unsubscribe(subscription=instance)

    class HubViewSet(TMFViewSet):
        tmf_api = api
        read_scope_suffices = True  # listening is reading
        queryset = HubSubscription.objects.filter(api=api)
        serializer_class = HubSerializer
        create_serializer_class = HubCreateSerializer
        create_service = staticmethod(create)
        delete_service = staticmethod(delete)
        filterset_class = None

        def get_queryset(self):
            party = caller_party(self.request)
            queryset = HubSubscription.objects.filter(api=api)
            return queryset.filter(owner_party_id=str(party.pk)) if party is not None else queryset

        def _create(self):
            response = super()._create()
            response["Location"] = self.request.build_absolute_uri(f"{self.request.path.rstrip('/')}/{response.data['id']}")
            return response

    if api_version(api) != V4:
        class VersionHubViewSet(HubViewSet):
            """A later version's hub: Hub carries @type (required on POST, as on every v5 request), no nulls."""

            def render(self, instance_or_page, many=False):
                rendered = [hub_out(item) for item in self.get_serializer(instance_or_page, many=many).data] \
                    if many else hub_out(self.get_serializer(instance_or_page).data)
                return project_fields(rendered, self.request)

            def validated_input(self, serializer_class, data, merge_patch=False, instance=None):
                if isinstance(data, dict) and data.get("@type") != "Hub":
                    raise ValidationError({"@type": "is required, and must be 'Hub'"})
                return super().validated_input(serializer_class, data, merge_patch, instance)

        HubViewSet = VersionHubViewSet
    HubViewSet.__name__ = f"{api.upper().replace('-', '')}HubViewSet"
    return HubViewSet


def hub_out(data: dict) -> dict:
    return {**{key: value for key, value in data.items() if value is not None}, "@type": "Hub"}
