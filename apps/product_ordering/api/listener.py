"""COM's TMF641 listener: an external activation system (HttpGateway) reports service order outcomes here.

The TMF641 event envelope is translated into the same domain call the in-process events make."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services


class ServiceOrderEventSerializer(serializers.Serializer):
    eventType = serializers.ChoiceField(choices=["ServiceOrderStateChangeEvent", "ServiceOrderItemStateChangeEvent"])
    event = serializers.DictField()

    def validate_event(self, value):
        order = value.get("serviceOrder")
        if not isinstance(order, dict) or not isinstance(order.get("serviceOrderItem", []), list):
            raise serializers.ValidationError("event.serviceOrder with serviceOrderItem[] is expected")
        return value


def _outcomes(service_order: dict) -> list[dict]:
    """(key, state, service id, error) per item of a TMF641 ServiceOrder."""
    return [{"key": str(item.get("id", "")), "state": str(item.get("state", "")),
             "service_id": str((item.get("service") or {}).get("id") or ""),
             "error": item.get("errorMessage") or item.get("error")}
            for item in service_order.get("serviceOrderItem") or [] if isinstance(item, dict)]


class ServiceOrderEventListener(APIView):
    tmf_api = "tmf641"  # the reporting system writes outcomes: it needs tmf641.write (channels do not have it)

    @extend_schema(request=ServiceOrderEventSerializer, responses={204: None})
    def post(self, request):
        serializer = ServiceOrderEventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service_order = serializer.validated_data["event"]["serviceOrder"]
        for outcome in _outcomes(service_order):
            services.service_order_outcome_record(external_id=str(service_order.get("externalId") or ""), **outcome)
        return Response(status=204)
