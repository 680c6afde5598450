"""The stand-in for activation in COM's tests: accepts service orders and records the calls (in the process
that made them). Tests then play activation's part by emitting its events for COM's own submissions."""
from apps.product_ordering.gateway import ServiceOrderingGateway


class RecordingGateway(ServiceOrderingGateway):
    calls: list = []

    def submit(self, *, external_id, requester, items, owner_party_id=""):
        self.calls.append(("submit", external_id, [item["key"] for item in items]))
        return f"so-{external_id}"

    def cancel(self, *, service_order_id, reason):
        self.calls.append(("cancel", service_order_id))

    def compensate(self, *, service_order_id, item_key, reason, service_id=""):
        self.calls.append(("compensate", service_order_id, item_key))


class RefusingGateway(RecordingGateway):
    def cancel(self, *, service_order_id, reason):
        from bss.errors import Conflict

        raise Conflict("service order already finished")


class RejectingGateway(RecordingGateway):
    def submit(self, *, external_id, requester, items, owner_party_id=""):
        from bss.errors import ValidationFailed

        raise ValidationFailed("every item needs a key (id)")


class DownGateway(RecordingGateway):
    def submit(self, *, external_id, requester, items, owner_party_id=""):
        from bss.errors import Unavailable

        raise Unavailable("service ordering unreachable")
