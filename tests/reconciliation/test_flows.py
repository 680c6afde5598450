"""Drift injected into the simulator, detected and repaired (or escalated) by the real worker."""
import time

import pytest
from django.db import transaction

from apps.fallout.models import FalloutCase
from apps.network.adapters import adapter_for
from apps.network.selectors import observed_config_read
from apps.network.services import network_drift_inject
from apps.reconciliation.models import DriftRecord, ReconcileRun
from apps.service_inventory.selectors import service_get
from apps.service_ordering.models import RepairJob

from .conftest import IP_CONFIG, active_service, product_of, product_status

pytestmark = pytest.mark.flows


def quiet_schedule():
    """A scheduled pass just ran for ip_address, so only the event path can see what the test injects."""
    ReconcileRun.objects.create(family="ip_address", detected_by="scheduled")


def inject(service_id: str, kind: str, **extra):
    with transaction.atomic():
        network_drift_inject(service_id=service_id, kind=kind, **extra)
    return time.time()


def settled(service_id, *states):
    return lambda: DriftRecord.objects.filter(service_id=service_id, state__in=states).first()


def assert_detected_by_event_within_a_second(drift, injected_at):
    assert drift.detected_by == "event"
    assert drift.detected_at.timestamp() - injected_at < 1.0, drift.detected_at.timestamp() - injected_at


def test_config_drift_is_detected_by_event_and_repaired(worker, eventually):
    quiet_schedule()
    service = active_service()
    product = product_of(service)
    injected_at = inject(str(service.pk), "config")

    drift = eventually(lambda: DriftRecord.objects.filter(service_id=str(service.pk)).first(), timeout=5)
    assert_detected_by_event_within_a_second(drift, injected_at)
    drift = eventually(settled(str(service.pk), "repaired"), timeout=10)

    assert drift.kind == "config"
    assert observed_config_read(platform="ipam", service_id=str(service.pk)) == {"config": IP_CONFIG, "status": "ok"}
    assert service_get(service_id=service.pk).state == "active"
    assert service_get(service_id=service.pk).characteristics == IP_CONFIG
    assert product_status(product) == "active"
    assert FalloutCase.objects.count() == 0


def test_missing_service_is_detected_by_event_and_restored(worker, eventually):
    quiet_schedule()
    service = active_service()
    product = product_of(service)
    injected_at = inject(str(service.pk), "missing")

    drift = eventually(lambda: DriftRecord.objects.filter(service_id=str(service.pk)).first(), timeout=5)
    assert_detected_by_event_within_a_second(drift, injected_at)
    drift = eventually(settled(str(service.pk), "repaired"), timeout=10)

    assert drift.kind == "missing"
    assert observed_config_read(platform="ipam", service_id=str(service.pk)) == {"config": IP_CONFIG, "status": "ok"}
    assert service_get(service_id=service.pk).state == "active"
    assert product_status(product) == "active"


def test_degraded_service_is_marked_retried_and_escalated(worker, eventually):
    quiet_schedule()
    service = active_service()
    product = product_of(service)
    injected_at = inject(str(service.pk), "degraded")

    drift = eventually(lambda: DriftRecord.objects.filter(service_id=str(service.pk)).first(), timeout=5)
    assert_detected_by_event_within_a_second(drift, injected_at)
    drift = eventually(settled(str(service.pk), "escalated"), timeout=20)
    case = eventually(lambda: FalloutCase.objects.filter(service_id=str(service.pk)).first(), timeout=5)

    assert (drift.kind, drift.repair_attempts) == ("degraded", 3)
    assert (case.source, case.kind, case.state) == ("reconciliation", "degradedDrift", "open")
    # Activation's job made the attempts and opened the one case; reconciliation only recorded the escalation.
    job = RepairJob.objects.get(requested_by=str(drift.pk))
    assert (job.kind, job.state, job.attempts, case.job_id) == ("retry_degraded", "failed", 3, str(job.pk))
    assert FalloutCase.objects.filter(service_id=str(service.pk)).count() == 1
    assert service_get(service_id=service.pk).operating_status == "degraded"
    assert service_get(service_id=service.pk).state == "active"
    # TMF637 has no "degraded": the product stays active while an operator works the case.
    assert product_status(product) == "active"


def test_orphan_is_detected_by_event_and_flagged_to_an_operator(worker, eventually):
    quiet_schedule()
    injected_at = inject("ghost-flow", "orphan", platform="ipam")

    drift = eventually(lambda: DriftRecord.objects.filter(service_id="ghost-flow").first(), timeout=5)
    assert_detected_by_event_within_a_second(drift, injected_at)
    drift = eventually(settled("ghost-flow", "escalated"), timeout=10)
    case = eventually(lambda: FalloutCase.objects.filter(service_id="ghost-flow").first(), timeout=5)

    assert (drift.kind, case.kind, case.state) == ("orphan", "orphanDrift", "open")
    assert observed_config_read(platform="ipam", service_id="ghost-flow") == {"config": {"origin": "manual"},
                                                                              "status": "ok"}


def silent_config_change():
    service = active_service()
    adapter_for("ipam").apply(idempotency_key="silent", service_id=str(service.pk), params={"routing": "bgp"})
    return str(service.pk)


def silently_missing():
    return str(active_service(on_network=False).pk)


def silent_orphan():
    adapter_for("ipam").apply(idempotency_key="silent", service_id="ghost-silent", params={"origin": "manual"})
    return "ghost-silent"


def silently_degraded():
    """Degraded while still being built (the event check leaves it to activation), then activated."""
    from apps.service_inventory.services import service_update

    service = active_service(state="inactive")
    with transaction.atomic():
        network_drift_inject(service_id=str(service.pk), kind="degraded")
    time.sleep(0.5)  # the event-driven check has looked and found nothing to say about an inactive service
    service_update(service_id=service.pk, changes={"state": "active"})
    return str(service.pk)


# kind → (how the network changes without telling anyone, where the drift ends)
SILENT = {"config": (silent_config_change, "repaired"), "missing": (silently_missing, "repaired"),
          "orphan": (silent_orphan, "escalated"), "degraded": (silently_degraded, "escalated")}


@pytest.mark.parametrize("kind", SILENT)
def test_a_silent_change_is_found_by_the_scheduled_pass_within_one_cycle(worker, eventually, kind):
    from apps.service_catalog.services import service_specification_create

    service_specification_create(name="IP access", family="ip_address", reconcile_every_seconds=2)
    make, end = SILENT[kind]
    service_id = make()
    changed_at = time.time()

    drift = eventually(lambda: DriftRecord.objects.filter(service_id=service_id).first(), timeout=10)
    assert (drift.kind, drift.detected_by) == (kind, "scheduled")
    assert drift.detected_at.timestamp() - changed_at < 2 + 2 + 1  # one 2 s cycle, a 2 s tick, the pass itself
    drift = eventually(settled(service_id, end), timeout=15)
    if end == "escalated":
        case = eventually(lambda: FalloutCase.objects.filter(service_id=service_id).first(), timeout=5)
        assert case.kind == f"{kind}Drift"
    else:
        assert observed_config_read(platform="ipam", service_id=service_id)["config"] == IP_CONFIG
    assert ReconcileRun.objects.filter(family="ip_address", detected_by="scheduled").exists()


def attributable_orphan():
    """Configuration nobody recorded, under a TMF638-shaped id and naming a spec activation has cached."""
    import uuid

    from .conftest import known_spec

    known_spec()
    service_id = str(uuid.uuid4())
    adapter_for("ipam").apply(idempotency_key="silent", service_id=service_id, params=ADOPTED)
    return service_id


def terminated_leftover():
    from apps.service_inventory.services import service_update

    service = active_service()
    service_update(service_id=service.pk, changes={"state": "terminated"})
    return str(service.pk)


ADOPTED = {"ipv4_address": "10.9.9.9", "routing": "static", "service_spec_id": "spec-ip"}
# orphan → (how it is left on the network, what the network and TMF638 hold once repaired)
ORPHANS = {"adopt": (attributable_orphan, ADOPTED, "active"),
           "remove_orphan": (terminated_leftover, None, "terminated")}


@pytest.mark.parametrize("repair", ORPHANS)
def test_an_orphan_is_adopted_or_removed_by_activation_within_one_cycle(worker, eventually, repair):
    from apps.service_catalog.services import service_specification_create

    service_specification_create(name="IP access", family="ip_address", reconcile_every_seconds=2)
    make, config, state = ORPHANS[repair]
    service_id = make()

    drift = eventually(settled(service_id, "repaired"), timeout=15)

    job = RepairJob.objects.get(requested_by=str(drift.pk))
    assert (drift.kind, drift.detected_by, drift.repair_attempts) == ("orphan", "scheduled", 1)
    assert (job.kind, job.state, job.attempts) == (repair, "done", 1)
    observed = observed_config_read(platform="ipam", service_id=service_id)
    assert (observed or {}).get("config") == config
    service = service_get(service_id=service_id)
    assert service.state == state
    if repair == "adopt":
        assert service.characteristics == ADOPTED
    assert FalloutCase.objects.filter(service_id=service_id).count() == 0
