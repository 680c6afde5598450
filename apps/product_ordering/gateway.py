"""The port from COM to activation. COM says *what* (service order items); activation decides how.

Adapters, chosen by settings.BSS_SERVICE_ORDERING_GATEWAY:
- "inprocess" (default): calls apps.service_ordering.services (docs/contracts.md);
- "http": speaks TMF641 to an external activation system (BSS_SERVICE_ORDERING_URL, _TOKEN);
- a dotted path to any class with the same three methods (e.g. a test stand-in)."""
import os

import requests
from django.conf import settings
from django.utils.module_loading import import_string

from bss.errors import Unavailable

DEFAULT = "inprocess"


class ServiceOrderingGateway:
    def submit(self, *, external_id: str, requester: str, items: list[dict], owner_party_id: str = "") -> str:
        """Place a service order (idempotent by external_id); returns activation's service order id."""
        raise NotImplementedError

    def cancel(self, *, service_order_id: str, reason: str) -> None:
        """Cancel what has not started and compensate what has."""
        raise NotImplementedError

    def compensate(self, *, service_order_id: str, item_key: str, reason: str, service_id: str = "") -> None:
        """Undo one completed service order item (service_id: the service it produced, when known)."""
        raise NotImplementedError


class InProcessGateway(ServiceOrderingGateway):
    @staticmethod
    def _services():
        from apps.service_ordering import services

        return services

    def submit(self, *, external_id, requester, items, owner_party_id=""):
        order = self._services().service_order_submit(external_id=external_id, requester=requester, items=items,
                                                      owner_party_id=owner_party_id)
        return str(order.pk)

    def cancel(self, *, service_order_id, reason):
        self._services().service_order_cancel(service_order_id=service_order_id, reason=reason)

    def compensate(self, *, service_order_id, item_key, reason, service_id=""):
        self._services().service_order_item_compensate(service_order_id=service_order_id, item_key=item_key,
                                                       reason=reason)


class HttpGateway(ServiceOrderingGateway):
    """TMF641 client: externalId carries COM's correlation id, serviceOrderItem[].id the item key."""

    def __init__(self, base_url: str | None = None, token: str | None = None):
        self.base_url = (base_url or getattr(settings, "BSS_SERVICE_ORDERING_URL", "")).rstrip("/")
        self.token = token or getattr(settings, "BSS_SERVICE_ORDERING_TOKEN", "")

    def _post(self, path: str, body: dict) -> dict:
        try:
            response = requests.post(f"{self.base_url}/{path}", json=body, timeout=settings.BSS_HTTP_TIMEOUT,
                                     headers={"Authorization": f"Bearer {self.token}"})
        except requests.RequestException as exc:
            raise Unavailable(f"service ordering unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise Unavailable(f"service ordering answered {response.status_code} on {path}")
        return response.json() if response.content else {}

    @staticmethod
    def service_order_body(*, external_id, requester, items) -> dict:
        return {
            "externalId": external_id, "@type": "ServiceOrder",
            "relatedParty": [{"id": requester, "role": "requester", "@referredType": "Organization"}],
            "serviceOrderItem": [{
                "id": item["key"], "action": item["action"], "@type": "ServiceOrderItem",
                "service": {
                    **({"id": item["service_id"]} if item.get("service_id") else {}),
                    "serviceSpecification": {"id": item["service_spec_id"],
                                             "version": item.get("service_spec_version") or None},
                    "serviceCharacteristic": [{"name": k, "value": v}
                                              for k, v in sorted(item["characteristics"].items())],
                },
                "serviceOrderItemRelationship": [{"relationshipType": "reliesOn", "orderItem": {"itemId": key}}
                                                 for key in item.get("relies_on", [])],
            } for item in items],
        }

    def submit(self, *, external_id, requester, items, owner_party_id=""):
        body = self._post("serviceOrder", self.service_order_body(external_id=external_id, requester=requester,
                                                                  items=items))
        return str(body.get("id", ""))

    def cancel(self, *, service_order_id, reason):
        self._post("cancelServiceOrder", {"serviceOrder": {"id": service_order_id}, "cancellationReason": reason})

    def compensate(self, *, service_order_id, item_key, reason, service_id=""):
        # TMF641 has no undo verb: the undo is a new order deleting what the item created.
        self._post("serviceOrder", {"externalId": f"{service_order_id}:{item_key}:compensate",
                                    "description": reason, "serviceOrderItem": [
                                        {"id": item_key, "action": "delete",
                                         "service": {"id": service_id, "@referredType": "Service"}}]})

    def hub_register(self, *, callback: str) -> dict:
        """Listen to the external system's service order events (TMF641 /hub)."""
        return self._post("hub", {"callback": callback,
                                  "query": "eventType=ServiceOrderStateChangeEvent,ServiceOrderItemStateChangeEvent"})


ADAPTERS = {"inprocess": InProcessGateway, "http": HttpGateway}


def gateway_get() -> ServiceOrderingGateway:
    # The environment can name it too, so a worker process picks the same adapter as its tests.
    name = getattr(settings, "BSS_SERVICE_ORDERING_GATEWAY", None) or os.environ.get(
        "BSS_SERVICE_ORDERING_GATEWAY", DEFAULT)
    return (ADAPTERS.get(name) or import_string(name))()
