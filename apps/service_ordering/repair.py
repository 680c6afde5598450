"""Repair workflows of the activation domain: put a running service right on one platform, as a counted,
idempotent job (a `RepairJob` row plus `repair_job_run_task` on the `activation` queue).

Reconciliation finds drift and asks (`repair_request`, one job per drift record and run); this module decides
how: re-apply or restore the recorded configuration, retry a degraded service, remove what a terminated service
left behind, adopt configuration attributable to a known spec, or copy what the network runs into TMF638. Network
calls run outside any transaction and are verified by reading the platform back; what is still wrong is retried
with backoff, and exhausted or refused repairs open a fallout case. Every stable outcome is announced
(`RepairJobStateChangeEvent`) so the requester can settle or escalate its drift."""
import logging
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from apps.network.adapters import DONE, ERROR, PENDING, Result, adapter_for
from apps.service_inventory import services as inventory
from bss.events import enqueue_safely, event_emit
from bss.fsm import transition_apply
from bss.models import is_entity_id

from . import conf, events
from .activators import activator_for
from .jobs import platform_jobs_sweep
from .choices import JobState, RepairKind
from .models import RepairJob, ServiceOrderItem, ServiceSpecCache

logger = logging.getLogger(__name__)
J, K = JobState, RepairKind
ACTOR = "activation"
RUN_TASK = "apps.service_ordering.tasks.repair_job_run_task"
KEY_PREFIX = "repair"
SPEC_MARK = "service_spec_id"  # how configuration made outside activation names its service specification
APPLYING = (K.REAPPLY, K.RESTORE, K.RETRY_DEGRADED)
READING = (K.ADOPT, K.SYNC_INVENTORY)  # no change on the network: the platform is read, TMF638 written


# --- asking --------------------------------------------------------------------------------------------

def repair_request(*, service_id: str, platform: str, kind: str, requested_by: str, params: dict | None = None,
                   case: dict | None = None, fresh: bool = False) -> RepairJob:
    """Ask for a repair; it runs asynchronously. Idempotent per requester: asked twice, one job. `fresh` (an
    operator's re-drive) starts the next run once the last one ended, never a second one beside a running job.

    `case` ({source, kind, context}) says where a fallout case about this repair belongs."""
    if kind not in K.values:
        raise ValueError(f"unknown repair kind {kind!r}")
    with transaction.atomic():
        latest = RepairJob.objects.select_for_update().filter(requested_by=str(requested_by)).order_by("-run").first()
        if latest is not None and not (fresh and latest.state in (J.DONE, J.FAILED)):
            return latest
        job, created = RepairJob.objects.get_or_create(
            requested_by=str(requested_by), run=latest.run + 1 if latest else 1,
            defaults={"service_id": str(service_id), "platform": platform, "kind": kind, "params": params or {},
                      "case": case or {}, "max_attempts": conf.repair_max_attempts()})
        if created:
            _enqueue(job)
    return job


def repair_attribution(*, service_id: str, platform: str, config: dict, spec_id: str = "",
                       spec_version: str = "") -> dict | None:
    """The spec an orphan's configuration belongs to, or None when it cannot be told with certainty.

    Attributable: the id can be a TMF638 id (a UUID), and the spec is named by an operator (`spec_id`), or
    activation built the service (a service order item names it), or the configuration names its spec
    (`service_spec_id`); the spec cache knows that spec, and its activator builds on this platform."""
    if not is_entity_id(service_id):
        return None
    built = ServiceOrderItem.objects.filter(service_id=service_id).exclude(service_spec_id="").order_by("-id")
    if spec_id:
        version = spec_version
    elif (item := built.first()) is not None:
        spec_id, version = item.service_spec_id, item.service_spec_version
    elif isinstance(config.get(SPEC_MARK), str):
        spec_id, version = config[SPEC_MARK], str(config.get("service_spec_version") or "")
    else:
        return None
    cached = ServiceSpecCache.objects.filter(spec_id=spec_id)
    cached = (cached.filter(version=version) if version else cached).order_by("-fetched_at").first()
    activator = activator_for(activation=cached.activation) if cached else None
    if activator is None or platform not in {step.platform for step in activator.steps}:
        return None
    return {"spec_id": spec_id, "spec_version": cached.version, "spec_name": cached.activation.get("name") or "",
            "family": activator.family}


def _enqueue(job, countdown: float | None = None) -> None:
    def publish():
        if enqueue_safely(RUN_TASK, job.pk, queue="activation", countdown=countdown):
            RepairJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now())

    transaction.on_commit(publish)


# --- running -------------------------------------------------------------------------------------------

def repair_job_run(*, job_id) -> str:
    """Claim the job, call the platform and read it back (outside any transaction), record the outcome."""
    with transaction.atomic():
        job = RepairJob.objects.select_for_update().filter(pk=job_id, state__in=(J.PENDING, J.RUNNING)).first()
        if job is None or not can_proceed(job.claim):
            return "skipped"
        transition_apply(job, "claim", actor=ACTOR, update_fields=("attempts", "claimed_at"))
    try:
        result = _call(job)
        if result.outcome == DONE:
            result = _verified(job, result)
    except Exception as exc:  # noqa: BLE001 - an adapter crash is a transient failure of this attempt
        logger.exception("repair call failed", extra={"repair_job_id": job.pk})
        result = Result(ERROR, {}, f"{type(exc).__name__}: {exc}", transient=True)
    return repair_job_record(job_id=job.pk, result=result)


def _call(job) -> Result:
    adapter = adapter_for(job.platform)
    if job.kind in APPLYING:
        return adapter.apply(idempotency_key=job.idempotency_key, service_id=job.service_id, params=job.params)
    if job.kind == K.REMOVE_ORPHAN:
        return adapter.remove(idempotency_key=job.idempotency_key, service_id=job.service_id, params={})
    return Result(DONE, {})  # READING: nothing to change on the network


def _verified(job, result: Result) -> Result:
    """A call that took effect, checked against what the platform now runs: what is still wrong is retried."""
    observed = adapter_for(job.platform).read(service_id=job.service_id)
    problem, transient = _still_wrong(job, observed)
    if problem:
        return Result(ERROR, {**result.response, "observed": observed}, problem, transient=transient)
    return Result(DONE, {**result.response, "observed": observed})


def _still_wrong(job, observed: dict | None) -> tuple[str, bool]:
    if job.kind == K.REMOVE_ORPHAN:
        return ("the platform still runs configuration for the service", True) if observed else ("", True)
    if observed is None:
        # Nothing to adopt or copy is final; nothing after applying is worth another try.
        return "the platform runs nothing for the service", job.kind not in READING
    if job.kind in READING:
        return "", True
    differing = sorted(name for name, value in job.params.items() if observed["config"].get(name) != value)
    if differing:
        return f"the platform still runs other values for {', '.join(differing)}", True
    if observed["status"] == "degraded":
        return "the platform still reports the service degraded", True
    return "", True


def repair_external_result(*, idempotency_key: str, response: dict) -> str:
    """A platform's asynchronous completion of a repair call (NetworkOperationCompletedEvent)."""
    prefix, _, rest = str(idempotency_key).partition(":")
    job_id = rest.split(":", 1)[0]
    if prefix != KEY_PREFIX or not job_id.isdigit():
        return "unknown"
    job = RepairJob.objects.filter(pk=int(job_id)).first()
    if job is None or job.state != J.PENDING_EXTERNAL:
        return "stale"
    return repair_job_record(job_id=job.pk, result=_verified(job, Result(DONE, response)))


def repair_job_record(*, job_id, result: Result) -> str:
    """What the platform answered (and a read-back showed) decides the job's next state."""
    with transaction.atomic():
        job = RepairJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return "unknown"
        if job.state not in (J.RUNNING, J.PENDING_EXTERNAL):
            return "stale"  # a late or repeated answer: the job has already moved on
        if result.outcome == DONE:
            _inventory_follow(job, result.response.get("observed"))
            transition_apply(job, "succeed", actor=ACTOR, update_fields=("response", "finished_at", "last_error"),
                             response=result.response)
            _emit(job)
        elif result.outcome == PENDING:
            if job.state == J.RUNNING:
                transition_apply(job, "await_external", actor=ACTOR, update_fields=("deadline_at", "response"),
                                 response=result.response, deadline_at=timezone.now() + timedelta(
                                     seconds=conf.default_step_timeout_seconds()))
        elif result.transient and can_proceed(job.retry):
            delay = conf.repair_backoff_seconds() * 2 ** (job.attempts - 1) * (1 + random.random() / 2)
            transition_apply(job, "retry", actor=ACTOR, reason=result.error,
                             update_fields=("next_attempt_at", "last_error", "response", "claimed_at"),
                             next_attempt_at=timezone.now() + timedelta(seconds=delay), error=result.error,
                             response=result.request_response)
            if delay <= conf.countdown_limit_seconds():
                _enqueue(job, countdown=delay)
        else:
            transition_apply(job, "fail", actor=ACTOR, reason=result.error,
                             update_fields=("last_error", "response", "finished_at"),
                             error=result.error or "failed", response=result.request_response)
            event_emit(event_type=events.FALLOUT_REQUESTED, resource_type=events.REPAIR, resource_id=job.pk,
                       payload=events.repair_fallout_payload(job, summary=(
                           f"{job.kind} of service {job.service_id} on {job.platform} failed after {job.attempts} "
                           f"attempt(s): {job.last_error}")))
            _emit(job)
    return job.state


def _inventory_follow(job, observed: dict | None) -> None:
    """TMF638 takes what the network runs (adopt, sync_inventory); the other kinds made the network match it."""
    if job.kind == K.ADOPT:
        inventory.service_adopt(service_id=job.service_id, characteristics=observed["config"],
                                platform=job.platform, **job.params)
    elif job.kind == K.SYNC_INVENTORY:
        from apps.service_inventory.selectors import service_get

        service = service_get(service_id=job.service_id)
        names = job.params.get("names") or list(observed["config"])
        running = {name: observed["config"][name] for name in names if name in observed["config"]}
        inventory.service_update(service_id=job.service_id,
                                 changes={"characteristics": {**service.characteristics, **running}},
                                 reason="reconciliation: the network's values accepted by an operator")


def _emit(job) -> None:
    event_emit(event_type=events.REPAIR_STATE_CHANGE, resource_type=events.REPAIR, resource_id=job.pk,
               payload=events.repair_payload(job))


# --- recovery ------------------------------------------------------------------------------------------

def repair_sweep(*, batch: int = 200) -> dict:
    """Re-publish due and abandoned repair jobs, time out silent platforms (beat; SKIP LOCKED)."""
    return platform_jobs_sweep(model=RepairJob, run_task=RUN_TASK, record=repair_job_record, batch=batch)


def repair_job_list(*, requested_by: str | None = None):
    """Repair jobs, oldest first (console, tests)."""
    jobs = RepairJob.objects.order_by("id")
    return jobs.filter(requested_by=str(requested_by)) if requested_by is not None else jobs
