"""How each kind of drift is put right, through the network port and TMF638 as recorded.

Activation (apps.service_ordering) has no repair workflow to call yet, so repair is these adapter calls:
- config: re-apply the recorded values that differ;   - missing: re-apply the whole recorded configuration;
- degraded: re-apply (the retry), escalated when the platform stays degraded;
- orphan: remove it when TMF638 says the service has ended; anything unknown is flagged to an operator."""
from apps.network.adapters import adapter_for

from . import sources
from .choices import DriftKind


def repair_call(drift):
    """The adapter's Result, or None when the drift is not ours to repair."""
    adapter = adapter_for(drift.platform)
    key = f"reconcile-repair:{drift.pk}:{drift.repair_attempts}"
    service = sources.service_facts(service_id=drift.service_id)
    if drift.kind == DriftKind.ORPHAN:
        if service is not None and service["state"] == "terminated":
            return adapter.remove(idempotency_key=key, service_id=drift.service_id, params={})
        return None  # unknown to TMF638: adopt or remove is an operator's decision
    if service is None or service["state"] != "active":
        return None
    params = drift.expected if drift.kind == DriftKind.CONFIG else service["characteristics"]
    return adapter.apply(idempotency_key=key, service_id=drift.service_id, params=params or {})


def repair_key_drift_id(idempotency_key: str) -> str | None:
    """The drift a network operation was repairing, from the key repair_call gave it."""
    prefix, _, rest = idempotency_key.partition(":")
    return rest.split(":", 1)[0] if prefix == "reconcile-repair" and rest else None
