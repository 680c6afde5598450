"""Reconciliation writes: compare TMF638 with the network, record drift, ask activation to repair it (its repair
workflows run the jobs; their outcome comes back as RepairJobStateChangeEvent), or escalate it."""
import logging
import time
from contextlib import contextmanager
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.service_ordering.choices import RepairKind
from apps.service_ordering.repair import repair_attribution, repair_request
from bss.errors import IllegalTransition, NotFound
from bss.events import event_emit
from bss.fsm import transition_apply

from . import conf, events, sources
from .choices import ACTIVE_DRIFT_STATES, DetectedBy, DriftKind, DriftState
from .compare import Finding, findings_for, runs_as_recorded
from .models import DriftRecord, ReconcileRun
from .repair import repair_plan

logger = logging.getLogger(__name__)
ACTOR = "reconciliation"


# --- recording ---------------------------------------------------------------------------------------------

def _emit(drift: DriftRecord, event_type: str) -> None:
    event_emit(event_type=event_type, resource_type=events.RESOURCE_TYPE, resource_id=drift.pk,
               payload=events.drift_payload(drift))


def _record(*, service_id: str, family: str, findings: list[Finding], detected_by: str) -> list[DriftRecord]:
    """Upsert one unsettled record per finding (caller holds the transaction); activation is asked to repair
    new ones (its job is written in this transaction too)."""
    records = []
    for finding in findings:
        drift, created = DriftRecord.objects.filter(state__in=ACTIVE_DRIFT_STATES).get_or_create(
            service_id=service_id, platform=finding.platform, kind=finding.kind,
            defaults={"family": family, "expected": finding.expected, "observed": finding.observed,
                      "detected_by": detected_by})
        if created:
            _emit(drift, events.DRIFT_DETECTED)
            if finding.kind == DriftKind.DEGRADED:
                _operating_status_set(service_id, "degraded", "the network reports the service degraded")
            _repair_ask(drift)
        elif (drift.expected, drift.observed) != (finding.expected, finding.observed):
            DriftRecord.objects.filter(pk=drift.pk).update(expected=finding.expected, observed=finding.observed,
                                                           last_seen_at=timezone.now())
        records.append(drift)
    return records


def _settle(*, service_id: str, platforms: set[str], found: set[tuple[str, str]]) -> int:
    """Unsettled records on these platforms that the check no longer finds: repaired if we were repairing."""
    settled = 0
    stale = (DriftRecord.objects.select_for_update()
             .filter(service_id=service_id, platform__in=platforms, state__in=ACTIVE_DRIFT_STATES))
    for drift in stale:
        if (drift.platform, drift.kind) in found:
            continue
        transition = "mark_repaired" if drift.state == DriftState.REPAIRING else "clear"
        transition_apply(drift, transition, actor=ACTOR, reason="no longer observed",
                         update_fields=("settled_at",), at=timezone.now())
        if drift.kind == DriftKind.DEGRADED:
            _operating_status_set(service_id, "ok", "the network reports the service healthy again")
        _emit(drift, events.DRIFT_SETTLED)
        settled += 1
    return settled


def _operating_status_set(service_id: str, status: str, reason: str) -> None:
    from apps.service_inventory.services import service_operating_status_set

    facts = sources.service_facts(service_id=service_id)
    if facts is not None and facts["state"] != "terminated" and facts["operating_status"] != status:
        service_operating_status_set(service_id=service_id, status=status, reason=reason)


def _check(*, service: dict | None, service_id: str, observed: dict[str, dict], platforms: set[str],
           detected_by: str) -> list[DriftRecord]:
    """Compare one service on these platforms and bring its drift records up to date (caller's transaction)."""
    findings = [finding for platform in sorted(platforms)
                for finding in findings_for(service=service, platform=platform, observed=observed.get(platform))]
    records = _record(service_id=service_id, family=service["family"] if service else "", findings=findings,
                      detected_by=detected_by)
    _settle(service_id=service_id, platforms=platforms, found={(f.platform, f.kind) for f in findings})
    return records


# --- checking ----------------------------------------------------------------------------------------------

def reconcile_service(*, service_id: str, detected_by: str = DetectedBy.EVENT) -> list[DriftRecord]:
    """Targeted check of one service (a network change, a repair to verify): every platform that matters."""
    service_id = str(service_id)
    service = sources.service_facts(service_id=service_id)
    observed = sources.observed_for_service(service_id=service_id)
    with transaction.atomic():
        known = set(DriftRecord.objects.filter(service_id=service_id, state__in=ACTIVE_DRIFT_STATES)
                    .values_list("platform", flat=True))
        platforms = set(observed) | known | set(sources.platforms_of(service["family"]) if service else ())
        return _check(service=service, service_id=service_id, observed=observed, platforms=platforms,
                      detected_by=detected_by)


def reconcile_family(*, family: str, detected_by: str = DetectedBy.SCHEDULED, batch: int | None = None) -> dict:
    """One pass over a family: its TMF638 services page by page (keyset on the id), each page beside what the
    family's platforms run in the same id range. Ids the network runs that no page has are orphan candidates.

    Memory stays flat (one page at a time); writes happen only where drift is found or settles."""
    batch = batch or conf.batch_size()
    started = time.monotonic()
    run = ReconcileRun.objects.create(family=family, detected_by=detected_by)
    readers = [sources.ObservedRanges(platform=platform, batch=batch) for platform in sources.platforms_of(family)]
    platforms = {reader.platform for reader in readers}
    counts = {"services_checked": 0, "observed_checked": 0, "drifts_found": 0}
    after = ""
    for page in sources.service_pages(family=family, batch=batch):
        upto = page[-1][0]
        _reconcile_range(page=page, after=after, upto=upto, readers=readers, platforms=platforms,
                         detected_by=detected_by, counts=counts)
        after = upto
    # Whatever the network runs beyond the last service of the family.
    _reconcile_range(page=[], after=after, upto=None, readers=readers, platforms=platforms,
                     detected_by=detected_by, counts=counts)
    for name, value in counts.items():
        setattr(run, name, value)
    run.finished_at = timezone.now()
    run.save(update_fields=[*counts, "finished_at"])
    return {"family": family, **counts, "seconds": round(time.monotonic() - started, 3)}


def _reconcile_range(*, page: list[tuple], after: str, upto: str | None, readers, platforms: set[str],
                     detected_by: str, counts: dict) -> None:
    """Compare the services of one id range (rows of sources.service_pages) with what the platforms run there.

    Most rows match: they are settled by one comparison each (runs_as_recorded). Only the rest, the ids the
    network runs that no row has, and ids with unsettled drift get the full check."""
    observed = {reader.platform: reader.read(after=after, upto=upto) for reader in readers}
    ordered = sorted(platforms)
    in_range = Q(service_id__gt=after) & (Q(service_id__lte=upto) if upto is not None else Q())
    unsettled = set(DriftRecord.objects.filter(in_range, platform__in=ordered, state__in=ACTIVE_DRIFT_STATES)
                    .order_by().values_list("service_id", flat=True))
    services = {row[0]: row for row in page
                if row[0] in unsettled or not runs_as_recorded(
                    state=row[1], characteristics=row[2],
                    observed=[observed[platform].get(row[0]) for platform in ordered])}
    outsiders = set().union(unsettled, *observed.values()).difference(row[0] for row in page)
    live = sources.live_service_ids(service_ids=sorted(outsiders)) if outsiders else set()
    suspects = services.keys() | (outsiders - live)  # live outsiders: another family's, checked by its own pass
    if suspects:
        with transaction.atomic():
            for service_id in sorted(suspects):
                row = services.get(service_id)
                service = sources.as_service(row) if row else None
                running = {platform: {"config": observed[platform][service_id][0],
                                      "status": observed[platform][service_id][1]}
                           for platform in ordered if service_id in observed[platform]}
                findings = [finding for platform in ordered for finding in
                            findings_for(service=service, platform=platform, observed=running.get(platform))]
                if findings or service_id in unsettled:
                    counts["drifts_found"] += len(_check(service=service, service_id=service_id, observed=running,
                                                         platforms=platforms, detected_by=detected_by))
    counts["services_checked"] += len(page)
    counts["observed_checked"] += sum(len(running) for running in observed.values())


@contextmanager
def _family_lock(family: str):
    """One pass per family at a time across all workers (a PostgreSQL session advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [f"reconcile:{family}"])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [f"reconcile:{family}"])


def family_every_seconds(*, family: str) -> float:
    """The family's frequency: the most demanding of its service specs' `reconcile_every_seconds`."""
    from apps.service_catalog.selectors import service_specification_list

    wanted = [spec.reconcile_every_seconds for spec in service_specification_list(family=family)
              if spec.reconcile_every_seconds]
    return float(min(wanted)) if wanted else conf.default_every_seconds()


def reconcile_family_if_due(*, family: str, force: bool = False) -> dict | None:
    """The beat job's body: run a scheduled pass when the family's frequency says so (or when forced by
    `manage.py reconcile` without --now) and no other worker is running one."""
    latest = ReconcileRun.objects.filter(family=family, detected_by=DetectedBy.SCHEDULED).first()
    every = timedelta(seconds=family_every_seconds(family=family))
    if not force and latest is not None and latest.started_at > timezone.now() - every + timedelta(milliseconds=200):
        return None
    with _family_lock(family) as acquired:
        return reconcile_family(family=family) if acquired else None


# --- repair: asked of activation ---------------------------------------------------------------------------

def _locked(drift_id) -> DriftRecord:
    try:
        drift = DriftRecord.objects.select_for_update().filter(pk=drift_id).first()
    except (ValueError, TypeError, Exception):  # malformed id: unknown
        drift = None
    if drift is None:
        raise NotFound(f"no drift record {drift_id}")
    return drift


def _case(drift: DriftRecord) -> dict:
    """Where a fallout case about this drift belongs and what it names (reconciliation's or activation's)."""
    return {"source": "reconciliation", "kind": f"{drift.kind}Drift",
            "context": {"drift_id": str(drift.pk), "platform": drift.platform, "expected": drift.expected,
                        "observed": drift.observed}}


def _repair_ask(drift: DriftRecord, *, fresh: bool = False) -> str:
    """Ask activation for the repair this drift needs, or escalate it when there is none (caller holds the
    drift's lock and the transaction). Asking twice makes one job; `fresh` asks for the next run."""
    plan = repair_plan(drift)
    if plan is None:
        return _escalate(drift, error=f"{drift.kind} drift cannot be repaired automatically")
    _ask(drift, kind=plan.kind, params=plan.params, fresh=fresh)
    return DriftState.REPAIRING


def _ask(drift: DriftRecord, *, kind: str, params: dict, fresh: bool) -> None:
    transition_apply(drift, "start_repair", actor=ACTOR, reason=f"{kind} asked of activation")
    repair_request(service_id=drift.service_id, platform=drift.platform, kind=kind, params=params,
                   requested_by=str(drift.pk), case=_case(drift), fresh=fresh)


def drift_repair_outcome(*, drift_id, state: str, attempts: int, error: str = "") -> str:
    """Activation's answer about the repair it ran. Failed: it opened the fallout case, the drift is escalated.
    Done: look again; the drift settles as repaired, or is escalated when the network still differs."""
    with transaction.atomic():
        drift = DriftRecord.objects.select_for_update().filter(pk=drift_id).first()
        if drift is None or drift.state != DriftState.REPAIRING:
            return "skipped"  # cleared meanwhile, or an answer repeated
        drift.repair_attempts = attempts
        if state != "done":
            transition_apply(drift, "escalate", actor=ACTOR, reason=error,
                             update_fields=("last_error", "repair_attempts"), error=(error or "repair failed")[:2000])
            return DriftState.ESCALATED
        drift.save(update_fields=["repair_attempts"])
    reconcile_service(service_id=drift.service_id, detected_by=drift.detected_by)
    drift.refresh_from_db()
    if drift.state != DriftState.REPAIRING:
        return drift.state
    return drift_escalate(drift_id=drift_id, error=f"still observed after a repair of {attempts} attempt(s)")


def _escalate(drift: DriftRecord, *, error: str) -> str:
    """Hand the (locked) drift to an operator: a fallout case (source reconciliation) with everything we know."""
    if drift.state not in (DriftState.OPEN, DriftState.REPAIRING):
        return drift.state
    transition_apply(drift, "escalate", actor=ACTOR, reason=error, update_fields=("last_error",), error=error[:2000])
    case = _case(drift)
    event_emit(event_type="FalloutRequested", resource_type=events.RESOURCE_TYPE, resource_id=drift.pk, payload={
        **case, "summary": f"{drift.kind} drift on {drift.platform} for service {drift.service_id}: {error}",
        "context": {**case["context"], "attempts": drift.repair_attempts},
        "product_order_id": "", "service_order_id": "", "item_key": "", "job_id": "",
        "service_id": drift.service_id})
    return DriftState.ESCALATED


@transaction.atomic
def drift_escalate(*, drift_id, error: str) -> str:
    return _escalate(_locked(drift_id), error=error)


@transaction.atomic
def drift_repair_schedule(*, drift_id) -> DriftRecord:
    """An operator's re-drive (through its fallout case): ask activation again, from the top (a new run). The
    plan is made again, so an orphan whose spec activation has learned meanwhile is adopted now."""
    drift = _locked(drift_id)
    if drift.state not in (DriftState.OPEN, DriftState.ESCALATED):
        raise IllegalTransition(f"drift {drift.pk} is {drift.state}; only open or escalated drift is repaired again")
    if repair_plan(drift) is None:
        raise IllegalTransition(f"{drift.kind} drift {drift.pk} cannot be repaired automatically (nothing to "
                                "re-apply or remove, no spec to adopt it under); resolve it by hand")
    _repair_ask(drift, fresh=True)
    return drift


@transaction.atomic
def drift_sync_inventory(*, drift_id) -> DriftRecord:
    """An operator's decision that the network is right: activation copies what it runs into TMF638 (a
    sync_inventory repair), then the drift settles. Only for config drift of a live service: the other kinds
    have nothing to copy."""
    drift = _locked(drift_id)
    if drift.kind != DriftKind.CONFIG or drift.state not in (DriftState.OPEN, DriftState.ESCALATED):
        raise IllegalTransition(f"drift {drift.pk} is {drift.kind}/{drift.state}; only open or escalated config "
                                "drift is synced into the inventory")
    if (sources.service_facts(service_id=drift.service_id) is None
            or drift.platform not in sources.observed_for_service(service_id=drift.service_id)):
        raise IllegalTransition(f"service {drift.service_id} is no longer on both sides; look at it again")
    _ask(drift, kind=RepairKind.SYNC_INVENTORY, params={"names": sorted(drift.expected or {})}, fresh=True)
    return drift


@transaction.atomic
def drift_adopt(*, drift_id, spec_id: str, spec_version: str = "") -> DriftRecord:
    """An operator attributes an orphan to a spec: activation adopts it into TMF638 under that spec (an `adopt`
    repair). Refused, changing nothing, unless the orphan is unknown to TMF638 and the spec is one activation
    knows and builds on this platform."""
    drift = _locked(drift_id)
    if drift.kind != DriftKind.ORPHAN or drift.state not in (DriftState.OPEN, DriftState.ESCALATED):
        raise IllegalTransition(f"drift {drift.pk} is {drift.kind}/{drift.state}; only open or escalated orphan "
                                "drift is adopted")
    spec = None if sources.service_facts(service_id=drift.service_id) else repair_attribution(
        service_id=drift.service_id, platform=drift.platform, config=drift.observed or {}, spec_id=spec_id,
        spec_version=spec_version)
    if spec is None:
        raise IllegalTransition(f"service {drift.service_id} on {drift.platform} cannot be adopted as {spec_id!r}: "
                                "TMF638 knows the id, it is not a TMF638 id, or activation does not know that spec "
                                "on this platform")
    _ask(drift, kind=RepairKind.ADOPT, params=spec, fresh=True)
    return drift
