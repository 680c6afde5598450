"""POST /hub {callback, query} → 201; GET /hub/{id}; DELETE /hub/{id} → 204 — on every TMF API."""
from rest_framework import serializers

from bss.hub import hub_subscribe, hub_unsubscribe
from bss.models import HubSubscription

from .serializers import TMFInputSerializer


class HubSerializer(serializers.ModelSerializer):
    id = serializers.CharField(read_only=True)

    class Meta:
        model = HubSubscription
        fields = ["id", "callback", "query"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["query"] = data["query"] or None
        return data


class HubCreateSerializer(TMFInputSerializer):
    callback = serializers.CharField(max_length=500)
    query = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)


def hub_viewset_for(api: str):
    from .viewsets import TMFViewSet, caller_party

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

    HubViewSet.__name__ = f"{api.upper()}HubViewSet"
    return HubViewSet
