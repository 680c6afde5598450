"""Events the network context emits (outbox, in-process subscribers only: there is no TMF API here)."""
NETWORK_CHANGE = "NetworkChangeEvent"  # the network changed by itself (manual change, fault): reconcile
NETWORK_OPERATION_COMPLETED = "NetworkOperationCompletedEvent"  # an accepted async operation finished
RESOURCE_TYPE = "networkElement"
HEALED = "healed"  # a NetworkChangeEvent's kind besides the drift kinds: a degraded service is healthy again


def network_change_payload(*, service_id: str, platform: str, kind: str) -> dict:
    return {"service_id": service_id, "platform": platform, "kind": kind}


def operation_completed_payload(operation) -> dict:
    return {"idempotency_key": operation.idempotency_key, "platform": operation.platform,
            "service_id": operation.service_id, "kind": operation.kind, "outcome": "done",
            "response": operation.response}
