"""The built-in network simulator: fault injection, idempotent operations, async completion, drift."""
import hashlib
import random
import time
from functools import partial

from django.db import transaction
from django.utils import timezone

from bss.errors import ValidationFailed
from bss.events import enqueue_safely, event_emit

from . import events
from .adapters import DONE, ERROR, PENDING, Result
from .choices import DriftKind, FailureMode, ObservedStatus, OperationKind, OperationState, Platform
from .models import NetworkOperation, ObservedConfig, SimulatorPlatform

ALLOCATE = "$allocate"


def simulator_platform_get(*, platform: str) -> SimulatorPlatform:
    if platform not in Platform.values:
        raise ValidationFailed(f"unknown platform {platform!r}; one of {', '.join(Platform.values)}",
                               reference_error="platform")
    row, _ = SimulatorPlatform.objects.get_or_create(platform=platform,
                                                     defaults=SimulatorPlatform.defaults_for(platform))
    return row


def network_sim_fail(*, platform: str, rate: float, mode: str) -> SimulatorPlatform:
    if not 0.0 <= rate <= 1.0:
        raise ValidationFailed("rate must be between 0 and 1", reference_error="rate")
    field = {FailureMode.ERROR: "error_rate", FailureMode.TIMEOUT: "timeout_rate",
             FailureMode.REJECT: "reject_rate"}.get(mode)
    if field is None:
        raise ValidationFailed(f"mode must be one of {', '.join(FailureMode.values)}", reference_error="mode")
    row = simulator_platform_get(platform=platform)
    setattr(row, field, rate)
    row.save(update_fields=[field])
    return row


def network_sim_latency(*, platform: str, milliseconds: int) -> SimulatorPlatform:
    if milliseconds < 0:
        raise ValidationFailed("latency cannot be negative", reference_error="milliseconds")
    row = simulator_platform_get(platform=platform)
    row.latency_ms = milliseconds
    row.save(update_fields=["latency_ms"])
    return row


def network_sim_async(*, platform: str, enabled: bool, delay_ms: int | None = None) -> SimulatorPlatform:
    row = simulator_platform_get(platform=platform)
    row.async_completion = enabled
    if delay_ms is not None:
        row.callback_delay_ms = delay_ms
    row.save(update_fields=["async_completion", "callback_delay_ms"])
    return row


def network_sim_reset(*, clear_state: bool = False) -> None:
    """Every platform back to healthy defaults; with clear_state also forget what the network runs."""
    SimulatorPlatform.objects.all().delete()
    if clear_state:
        ObservedConfig.objects.all().delete()
        NetworkOperation.objects.all().delete()


def simulator_call(*, platform: str, kind: str, idempotency_key: str, service_id: str, params: dict) -> Result:
    """One adapter call. Faults are rolled per call; the change itself happens at most once per key."""
    knobs = simulator_platform_get(platform=platform)
    if knobs.latency_ms:
        time.sleep(knobs.latency_ms / 1000)
    if random.random() < knobs.error_rate:
        return Result(ERROR, {"status": 503}, f"{platform}: HTTP 503 service unavailable", transient=True)
    if random.random() < knobs.reject_rate:
        return Result(ERROR, {"status": 422}, f"{platform}: HTTP 422 request refused", transient=False)
    with transaction.atomic():
        operation, created = NetworkOperation.objects.get_or_create(
            idempotency_key=str(idempotency_key),
            defaults={"platform": platform, "service_id": str(service_id), "kind": kind, "params": params})
        if created and not knobs.async_completion:
            _operation_execute(operation)
        elif operation.state == OperationState.PENDING:
            # New, or a replay of one whose callback may have been lost: (re)schedule the completion.
            transaction.on_commit(partial(enqueue_safely, "apps.network.tasks.network_operation_complete_task",
                                          operation.pk, queue="activation",
                                          countdown=knobs.callback_delay_ms / 1000))
    if random.random() < knobs.timeout_rate:
        return Result(ERROR, {}, f"{platform}: no answer (timeout)", transient=True, maybe_applied=True)
    if operation.state == OperationState.DONE:
        return Result(DONE, operation.response)
    return Result(PENDING, {"operation_id": operation.pk})


def network_operation_complete(*, operation_id: int) -> bool:
    """The platform's asynchronous completion: apply the change, then tell whoever waits (by event)."""
    with transaction.atomic():
        operation = NetworkOperation.objects.select_for_update().filter(pk=operation_id).first()
        if operation is None or operation.state != OperationState.PENDING:
            return False
        _operation_execute(operation)
        event_emit(event_type=events.NETWORK_OPERATION_COMPLETED, resource_type=events.RESOURCE_TYPE,
                   resource_id=operation.service_id, payload=events.operation_completed_payload(operation))
    return True


def _operation_execute(operation: NetworkOperation) -> None:
    """Change the observed state (caller holds the transaction) and record the outcome on the operation."""
    observed = (ObservedConfig.objects.select_for_update()
                .filter(platform=operation.platform, service_id=operation.service_id).first())
    if operation.kind == OperationKind.APPLY:
        applied = {name: _allocated(operation, name) if value == ALLOCATE else value
                   for name, value in operation.params.items()}
        if observed is None:
            observed = ObservedConfig(platform=operation.platform, service_id=operation.service_id, config={})
        observed.config = {**observed.config, **applied}
        observed.save()
        operation.response = {"applied": applied, "config": observed.config}
    else:
        keys = operation.params.get("keys") or []
        removed = []
        if observed is not None:
            removed = [key for key in (keys or list(observed.config)) if key in observed.config]
            observed.config = {k: v for k, v in observed.config.items() if k not in removed}
            if observed.config:
                observed.save()
            else:
                observed.delete()
        operation.response = {"removed": removed, "config": observed.config if observed and observed.pk else {}}
    operation.state = OperationState.DONE
    operation.completed_at = timezone.now()
    operation.save(update_fields=["response", "state", "completed_at"])


def _allocated(operation: NetworkOperation, name: str) -> str:
    """A stable value the platform picks (port, address, number…): the same service always gets the same."""
    digest = int(hashlib.sha256(f"{operation.platform}:{operation.service_id}:{name}".encode()).hexdigest(), 16)
    if "ip" in name:
        return f"10.{digest % 250 + 1}.{digest // 250 % 250}.{digest // 62500 % 250 + 2}"
    if "port" in name:
        return f"olt{digest % 8 + 1}/1/{digest // 8 % 64 + 1}"
    if "number" in name or "msisdn" in name:
        return f"+3120{digest % 10_000_000:07d}"
    return f"{name}-{digest % 16 ** 8:08x}"


def network_drift_inject(*, service_id: str, kind: str, platform: str | None = None) -> ObservedConfig | None:
    """Change the network behind our back (a manual change or a fault) and announce it as a NetworkChangeEvent."""
    if kind not in DriftKind.values:
        raise ValidationFailed(f"kind must be one of {', '.join(DriftKind.values)}", reference_error="kind")
    with transaction.atomic():
        rows = ObservedConfig.objects.select_for_update().filter(service_id=service_id)
        if platform:
            rows = rows.filter(platform=platform)
        observed = rows.order_by("platform").first()
        if kind == DriftKind.ORPHAN:
            platform = platform or Platform.ACCESS_CONTROLLER
            observed, _ = ObservedConfig.objects.get_or_create(
                platform=platform, service_id=service_id, defaults={"config": {"origin": "manual"}})
        elif observed is None:
            raise ValidationFailed(f"the network runs nothing for service {service_id}", reference_error="service_id")
        elif kind == DriftKind.MISSING:
            observed.delete()
        elif kind == DriftKind.DEGRADED:
            observed.status = ObservedStatus.DEGRADED
            observed.save(update_fields=["status", "updated_at"])
        else:
            name = next(iter(sorted(observed.config)), "setting")
            observed.config = {**observed.config, name: f"{observed.config.get(name)}-manual"}
            observed.save(update_fields=["config", "updated_at"])
        event_emit(event_type=events.NETWORK_CHANGE, resource_type=events.RESOURCE_TYPE, resource_id=service_id,
                   payload=events.network_change_payload(service_id=service_id, platform=observed.platform,
                                                         kind=kind))
    return observed if observed.pk else None
