"""The built-in network simulator: fault injection, idempotent operations, async completion, drift."""
import hashlib
import random
import time
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from bss.errors import ValidationFailed
from bss.events import enqueue_safely, event_emit
from bss.jobs import task_memo

from . import events
from .adapters import DONE, ERROR, PENDING, Result
from .choices import DriftKind, FailureMode, ObservedStatus, OperationKind, OperationState, Platform
from .models import NetworkOperation, ObservedConfig, PortAllocation, ServingElement, SimulatorPlatform

ALLOCATE = "$allocate"
PORT = "access_port"  # the parameter a port reservation allocates (reserve_port)
ELEMENT = "serving_element"  # names the element to take it at: the code coverage data knows it by


class PortUnavailable(Exception):
    """The named serving element cannot give the service a port: a terminal refusal, nothing is changed."""


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
        PortAllocation.objects.all().delete()  # the elements and their sizes stay: they are topology


def serving_element_capacity_set(*, element: str, total_ports: int,
                                 platform: str = Platform.ACCESS_CONTROLLER) -> ServingElement:
    """Create a serving element or resize it (`network_sim capacity`); ports in use are never cut away."""
    element = (element or "").strip()
    if not element or len(element) > 40:
        raise ValidationFailed("the element needs a code of 1 to 40 characters", reference_error="element")
    if total_ports < 0:
        raise ValidationFailed("ports cannot be negative", reference_error="ports")
    simulator_platform_get(platform=platform)  # validates the platform name
    with transaction.atomic():
        row, created = ServingElement.objects.select_for_update().get_or_create(
            code=element, defaults={"platform": platform, "total_ports": total_ports})
        if created:
            return row
        if row.platform != platform:
            raise ValidationFailed(f"{element} is an element of {row.platform}, not {platform}",
                                   reference_error="platform")
        highest = row.allocations.aggregate(highest=Max("port"))["highest"] or 0
        if total_ports < highest:
            raise ValidationFailed(f"{element}: port {highest} is in use, so it cannot shrink to {total_ports} ports",
                                   reference_error="ports")
        row.total_ports = total_ports
        row.save(update_fields=["total_ports"])
    return row


def simulator_call(*, platform: str, kind: str, idempotency_key: str, service_id: str, params: dict) -> Result:
    """One adapter call. Faults are rolled per call; the change itself happens at most once per key.
    The knobs are read once per task (a task calls the platforms of several steps); `network_sim` changes
    reach the next task."""
    knobs = task_memo(("simulator_platform", platform), partial(simulator_platform_get, platform=platform))
    if knobs.latency_ms:
        time.sleep(knobs.latency_ms / 1000)
    if random.random() < knobs.error_rate:
        return Result(ERROR, {"status": 503}, f"{platform}: HTTP 503 service unavailable", transient=True)
    if random.random() < knobs.reject_rate:
        return Result(ERROR, {"status": 422}, f"{platform}: HTTP 422 request refused", transient=False)
    try:
        operation = _operation_accept(platform=platform, kind=kind, idempotency_key=idempotency_key,
                                      service_id=service_id, params=params, knobs=knobs)
    except PortUnavailable as exc:  # rolled back: no operation recorded, so a later call may try again
        return Result(ERROR, {"status": 409}, f"{platform}: {exc}", transient=False)
    if random.random() < knobs.timeout_rate:
        return Result(ERROR, {}, f"{platform}: no answer (timeout)", transient=True, maybe_applied=True)
    if operation.state == OperationState.DONE:
        return Result(DONE, operation.response)
    return Result(PENDING, {"operation_id": operation.pk})


def _operation_accept(*, platform, kind, idempotency_key, service_id, params, knobs):
    """Record the operation once per key and run it (or schedule its completion). A new key, the usual call, is
    one INSERT of the operation as it ended. A replay's INSERT fails on the unique key and its transaction rolls
    back whole, with the change it made (no savepoint: the adapter is called outside any transaction); the second
    try reads the operation recorded the first time, as does the loser of two calls with one key at once."""
    for replay in (False, True):
        try:
            with transaction.atomic():
                operation = NetworkOperation.objects.filter(idempotency_key=str(idempotency_key)).first() \
                    if replay else None
                created = operation is None
                if created:
                    operation = NetworkOperation(idempotency_key=str(idempotency_key), platform=platform,
                                                 service_id=str(service_id), kind=kind, params=params)
                    _port_reserve(operation)  # on acceptance, so an accepted reservation already counts
                    if not knobs.async_completion:
                        _operation_execute(operation)
                    operation.save()
                if operation.state == OperationState.PENDING:
                    # New, or a replay of one whose callback may have been lost: (re)schedule the completion.
                    transaction.on_commit(partial(enqueue_safely,
                                                  "apps.network.tasks.network_operation_complete_task",
                                                  operation.pk, queue="activation",
                                                  countdown=knobs.callback_delay_ms / 1000))
            return operation
        except IntegrityError:
            if replay:
                raise


def network_operation_complete(*, operation_id: int) -> bool:
    """The platform's asynchronous completion: apply the change, then tell whoever waits (by event)."""
    with transaction.atomic():
        operation = NetworkOperation.objects.select_for_update().filter(pk=operation_id).first()
        if operation is None or operation.state != OperationState.PENDING:
            return False
        _operation_execute(operation)
        operation.save(update_fields=["response", "state", "completed_at"])
        event_emit(event_type=events.NETWORK_OPERATION_COMPLETED, resource_type=events.RESOURCE_TYPE,
                   resource_id=operation.service_id, payload=events.operation_completed_payload(operation))
    return True


def _port_reserve(operation: NetworkOperation) -> None:
    """Take the lowest free port at the named element for the service (a service holds one: a repeat keeps it).
    Only a port reservation that names its element is counted; without one the port is made up as before."""
    element_code = operation.params.get(ELEMENT)
    if operation.kind != OperationKind.APPLY or operation.params.get(PORT) != ALLOCATE or not element_code:
        return
    element = (ServingElement.objects.select_for_update()  # serialises reservations at one element
               .filter(code=element_code, platform=operation.platform).first())
    if element is None:
        raise PortUnavailable(f"unknown serving element {element_code}")
    held = PortAllocation.objects.select_related("element").filter(service_id=operation.service_id).first()
    if held is not None:
        if held.element_id != element.pk:
            raise PortUnavailable(f"service {operation.service_id} already holds port {held.label}")
        return
    used = set(element.allocations.values_list("port", flat=True))
    free = next((port for port in range(1, element.total_ports + 1) if port not in used), None)
    if free is None:
        raise PortUnavailable(f"no free port at {element.code} (all {element.total_ports} in use)")
    PortAllocation.objects.create(element=element, port=free, service_id=operation.service_id)


def _port_release(operation: NetworkOperation, keys: list) -> None:
    """Removing the access port (or everything) gives the port back to its element."""
    if not keys or PORT in keys:
        PortAllocation.objects.filter(service_id=operation.service_id, element__platform=operation.platform).delete()


def _operation_execute(operation: NetworkOperation) -> None:
    """Change the observed state (caller holds the transaction) and put the outcome on the operation, which the
    caller saves (a new one is inserted as it ended)."""
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
        _port_release(operation, keys)
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


def _allocated(operation: NetworkOperation, name: str) -> str:
    """A stable value the platform picks (port, address, number…): the same service always gets the same."""
    if name == PORT and operation.params.get(ELEMENT):
        held = PortAllocation.objects.select_related("element").filter(service_id=operation.service_id).first()
        if held is not None:
            return held.label
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


def network_drift_heal(*, service_id: str, platform: str | None = None) -> int:
    """The fault behind a degradation goes away (the opposite of a `degraded` drift): the service's degraded
    platforms report it healthy again, announced as a NetworkChangeEvent (kind "healed"). Returns how many."""
    with transaction.atomic():
        rows = ObservedConfig.objects.select_for_update().filter(service_id=service_id,
                                                                 status=ObservedStatus.DEGRADED)
        if platform:
            rows = rows.filter(platform=platform)
        healed = list(rows.order_by("platform"))
        if not healed:
            raise ValidationFailed(f"the network reports nothing degraded for service {service_id}",
                                   reference_error="service_id")
        for observed in healed:
            observed.status = ObservedStatus.OK
            observed.save(update_fields=["status", "updated_at"])
            event_emit(event_type=events.NETWORK_CHANGE, resource_type=events.RESOURCE_TYPE, resource_id=service_id,
                       payload=events.network_change_payload(service_id=service_id, platform=observed.platform,
                                                             kind=events.HEALED))
    return len(healed)
