"""Drift repaired by activation's repair workflows (apps.service_ordering.repair): one job per drift, counted
attempts, fallout when exhausted, adoption and removal of orphans. Jobs run in this process (run_repairs)."""
import uuid

import pytest

from apps.fallout.models import FalloutCase
from apps.network.adapters import adapter_for
from apps.network.selectors import observed_config_read
from apps.network.services import network_drift_inject, network_sim_fail
from apps.reconciliation import services
from apps.reconciliation.models import DriftRecord
from apps.service_inventory.models import Service
from apps.service_inventory.selectors import service_get
from apps.service_ordering.models import RepairJob
from apps.service_ordering.repair import repair_request
from bss.errors import IllegalTransition
from bss.models import OutboxEvent

from .conftest import IP_CONFIG, known_spec, run_repairs

ADOPTABLE = {"ipv4_address": "10.9.9.9", "routing": "static", "service_spec_id": "spec-ip"}


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.setenv("BSS_REPAIR_BACKOFF_SECONDS", "0")  # a retry is due at once


def config_drift(make_service):
    service = make_service()
    network_drift_inject(service_id=str(service.pk), kind="config")
    return str(service.pk)


def missing_drift(make_service):
    service = make_service()
    network_drift_inject(service_id=str(service.pk), kind="missing")
    return str(service.pk)


def degraded_drift(make_service):
    service = make_service()
    network_drift_inject(service_id=str(service.pk), kind="degraded")
    return str(service.pk)


def terminated_leftover(make_service):
    from apps.service_inventory.services import service_update

    service = make_service()
    service_update(service_id=service.pk, changes={"state": "terminated"})
    return str(service.pk)


def adoptable_orphan(make_service):
    known_spec()
    service_id = str(uuid.uuid4())
    adapter_for("ipam").apply(idempotency_key="manual", service_id=service_id, params=ADOPTABLE)
    return service_id


# drift kind made by → (repair kind, its params given the service id)
KINDS = {
    "reapply": (config_drift, lambda sid: {"ipv4_address": "10.1.2.3"}),
    "restore": (missing_drift, lambda sid: IP_CONFIG),
    "retry_degraded": (degraded_drift, lambda sid: IP_CONFIG),
    "remove_orphan": (terminated_leftover, lambda sid: {}),
    "adopt": (adoptable_orphan, lambda sid: {"spec_id": "spec-ip", "spec_version": "1", "spec_name": "Static IP",
                                             "family": "ip_address"}),
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_repair_kind_makes_one_job_per_drift_even_when_asked_twice(make_service, kind):
    make, params = KINDS[kind]
    service_id = make(make_service)

    drift = services.reconcile_service(service_id=service_id)[0]
    services.reconcile_service(service_id=service_id)  # detected again: the drift is refreshed, not re-asked
    again = repair_request(service_id=service_id, platform="ipam", kind=kind, requested_by=str(drift.pk),
                           params={"other": "values"})

    job = RepairJob.objects.get()
    assert again.pk == job.pk
    assert (job.kind, job.service_id, job.platform, job.requested_by, job.run, job.state, job.attempts) == (
        kind, service_id, "ipam", str(drift.pk), 1, "pending", 0)
    assert job.params == params(service_id)
    assert job.case["source"] == "reconciliation" and job.case["context"]["drift_id"] == str(drift.pk)
    assert DriftRecord.objects.get().state == "repairing"


def test_sync_inventory_makes_one_job_when_asked_twice(make_service):
    service_id = config_drift(make_service)
    drift = services.reconcile_service(service_id=service_id)[0]
    network_sim_fail(platform="ipam", rate=1.0, mode="reject")
    run_repairs()

    services.drift_sync_inventory(drift_id=drift.pk)
    with pytest.raises(IllegalTransition):  # the drift is being repaired: a second request is refused
        services.drift_sync_inventory(drift_id=drift.pk)
    repair_request(service_id=service_id, platform="ipam", kind="sync_inventory", requested_by=str(drift.pk),
                   fresh=True)

    assert list(RepairJob.objects.order_by("run").values_list("kind", "run", "state", "params")) == [
        ("reapply", 1, "failed", {"ipv4_address": "10.1.2.3"}),
        ("sync_inventory", 2, "pending", {"names": ["ipv4_address"]})]


@pytest.mark.parametrize(("kind", "observed"), [
    ("reapply", {"config": IP_CONFIG, "status": "ok"}),
    ("restore", {"config": IP_CONFIG, "status": "ok"}),
    ("remove_orphan", None),
])
def test_a_repair_puts_the_network_right_and_the_drift_settles_repaired(make_service, kind, observed):
    service_id = KINDS[kind][0](make_service)
    drift = services.reconcile_service(service_id=service_id)[0]

    assert run_repairs() == 1

    drift.refresh_from_db()
    job = RepairJob.objects.get()
    assert (job.state, job.attempts, job.last_error) == ("done", 1, "")
    assert (drift.state, drift.repair_attempts) == ("repaired", 1)
    assert observed_config_read(platform="ipam", service_id=service_id) == observed
    assert FalloutCase.objects.count() == 0
    event = OutboxEvent.objects.get(event_type="RepairJobStateChangeEvent")
    assert event.payload == {"repair_job_id": str(job.pk), "requested_by": str(drift.pk), "run": 1,
                             "service_id": service_id, "platform": "ipam", "kind": kind, "state": "done",
                             "attempts": 1, "error": None}


def test_a_repair_that_exhausts_its_retries_opens_one_fallout_case_naming_the_drift(make_service):
    service_id = degraded_drift(make_service)  # the simulator stays degraded whatever is re-applied
    drift = services.reconcile_service(service_id=service_id)[0]

    assert run_repairs() == 3

    drift.refresh_from_db()
    job = RepairJob.objects.get()
    assert (job.kind, job.state, job.attempts, job.last_error) == (
        "retry_degraded", "failed", 3, "the platform still reports the service degraded")
    assert (drift.state, drift.repair_attempts, drift.last_error) == (
        "escalated", 3, "the platform still reports the service degraded")
    case = FalloutCase.objects.get()
    assert (case.source, case.kind, case.service_id, case.job_id, case.state, case.occurrences) == (
        "reconciliation", "degradedDrift", service_id, str(job.pk), "open", 1)
    assert case.summary == (f"retry_degraded of service {service_id} on ipam failed after 3 attempt(s): "
                            "the platform still reports the service degraded")
    assert {name: case.context[name] for name in ("drift_id", "repair_job_id", "repair_kind", "attempts")} == {
        "drift_id": str(drift.pk), "repair_job_id": str(job.pk), "repair_kind": "retry_degraded", "attempts": 3}
    assert service_get(service_id=service_id).operating_status == "degraded"


def test_a_refused_repair_fails_at_once_into_one_fallout_case(make_service):
    service_id = missing_drift(make_service)
    drift = services.reconcile_service(service_id=service_id)[0]
    network_sim_fail(platform="ipam", rate=1.0, mode="reject")

    assert run_repairs() == 1

    drift.refresh_from_db()
    assert (RepairJob.objects.get().state, RepairJob.objects.get().attempts) == ("failed", 1)
    assert (drift.state, drift.last_error) == ("escalated", "ipam: HTTP 422 request refused")
    assert list(FalloutCase.objects.values_list("kind", "service_id", "context__drift_id")) == [
        ("missingDrift", service_id, str(drift.pk))]
    assert observed_config_read(platform="ipam", service_id=service_id) is None


def test_an_attributable_orphan_is_adopted_with_the_observed_configuration(make_service):
    service_id = adoptable_orphan(make_service)
    drift = services.reconcile_service(service_id=service_id)[0]

    assert run_repairs() == 1

    service = service_get(service_id=service_id)
    assert (service.state, service.spec_id, service.spec_version, service.spec_name, service.family) == (
        "active", "spec-ip", "1", "Static IP", "ip_address")
    assert service.characteristics == {"ipv4_address": "10.9.9.9", "routing": "static", "service_spec_id": "spec-ip"}
    assert [note["text"] for note in service.notes] == ["adopted by reconciliation from the configuration "
                                                        "observed on ipam"]
    drift.refresh_from_db()
    assert (drift.kind, drift.state) == ("orphan", "repaired")
    assert list(OutboxEvent.objects.filter(event_type="ServiceCreateEvent").values_list("resource_id", "api")) == [
        (service_id, "tmf638")]
    assert FalloutCase.objects.count() == 0
    # What was adopted now matches: a second look finds nothing.
    assert services.reconcile_service(service_id=service_id) == []


def test_an_orphan_activation_built_is_attributed_by_its_order_item(make_service):
    from apps.service_ordering.repair import repair_attribution
    from apps.service_ordering.services import service_order_submit

    known_spec()
    service_id = str(uuid.uuid4())
    service_order_submit(external_id="so-adopt", requester="test", items=[{
        "key": "1", "action": "modify", "service_spec_id": "spec-ip", "service_spec_version": "1",
        "service_id": service_id, "characteristics": {}}])

    assert repair_attribution(service_id=service_id, platform="ipam", config={"routing": "static"}) == {
        "spec_id": "spec-ip", "spec_version": "1", "spec_name": "Static IP", "family": "ip_address"}
    assert repair_attribution(service_id=service_id, platform="cpe_manager", config={}) is None


@pytest.mark.parametrize(("service_id", "config", "spec_known"), [
    ("ghost-adopt", ADOPTABLE, True),  # not a TMF638 id
    (str(uuid.UUID(int=7)), {"routing": "static"}, True),  # names no spec, and activation did not build it
    (str(uuid.UUID(int=8)), ADOPTABLE, False),  # names a spec activation has never seen
])
def test_an_orphan_that_cannot_be_attributed_is_flagged_and_nothing_is_created(db, service_id, config, spec_known):
    if spec_known:
        known_spec()
    adapter_for("ipam").apply(idempotency_key="manual", service_id=service_id, params=config)

    drift = services.reconcile_service(service_id=service_id)[0]
    run_repairs()

    drift.refresh_from_db()
    assert (drift.kind, drift.state) == ("orphan", "escalated")
    case = FalloutCase.objects.get()
    assert (case.source, case.kind, case.service_id, case.summary) == (
        "reconciliation", "orphanDrift", service_id,
        f"orphan drift on ipam for service {service_id}: orphan drift cannot be repaired automatically")
    assert RepairJob.objects.count() == 0
    assert Service.objects.count() == 0
    assert observed_config_read(platform="ipam", service_id=service_id)["config"] == config


def test_operator_redrive_adopts_an_orphan_once_its_spec_is_known(db):
    from apps.fallout.services import fallout_case_redrive
    from bss.testing import outbox_drain

    service_id = str(uuid.UUID(int=9))
    adapter_for("ipam").apply(idempotency_key="manual", service_id=service_id, params=ADOPTABLE)
    drift = services.reconcile_service(service_id=service_id)[0]
    outbox_drain()
    case = FalloutCase.objects.get()
    with pytest.raises(IllegalTransition):  # still unattributable: refused, nothing changes
        fallout_case_redrive(case_id=case.pk, actor="olga", reason="try again")
    assert (FalloutCase.objects.get().state, DriftRecord.objects.get().state, RepairJob.objects.count()) == (
        "open", "escalated", 0)
    known_spec()

    fallout_case_redrive(case_id=case.pk, actor="olga", reason="the spec is in the catalog now")
    run_repairs()

    drift.refresh_from_db()
    case.refresh_from_db()
    assert (drift.state, case.state, case.resolution) == ("repaired", "resolved", "drift repaired")
    assert service_get(service_id=service_id).characteristics == ADOPTABLE


def test_operator_redrive_runs_a_fresh_job_after_a_failed_one(make_service):
    from apps.fallout.services import fallout_case_redrive
    from apps.network.services import network_sim_reset

    service_id = config_drift(make_service)
    drift = services.reconcile_service(service_id=service_id)[0]
    network_sim_fail(platform="ipam", rate=1.0, mode="reject")
    run_repairs()
    network_sim_reset()

    fallout_case_redrive(case_id=FalloutCase.objects.get().pk, actor="olga", reason="the platform is back")
    run_repairs()

    drift.refresh_from_db()
    assert list(RepairJob.objects.order_by("run").values_list("run", "state", "attempts")) == [
        (1, "failed", 1), (2, "done", 1)]
    assert (drift.state, FalloutCase.objects.get().state) == ("repaired", "resolved")
    assert observed_config_read(platform="ipam", service_id=service_id)["config"] == IP_CONFIG


def test_unrepairable_config_drift_is_synced_into_the_inventory_by_an_operator(make_service):
    from apps.fallout.services import fallout_case_act

    service_id = config_drift(make_service)
    drift = services.reconcile_service(service_id=service_id)[0]
    network_sim_fail(platform="ipam", rate=1.0, mode="reject")
    run_repairs()
    case = FalloutCase.objects.get()

    fallout_case_act(case_id=case.pk, action="sync_inventory", actor="olga", reason="the manual change was right")
    run_repairs()

    drift.refresh_from_db()
    case.refresh_from_db()
    assert service_get(service_id=service_id).characteristics == {**IP_CONFIG, "ipv4_address": "10.1.2.3-manual"}
    assert observed_config_read(platform="ipam", service_id=service_id)["config"]["ipv4_address"] == "10.1.2.3-manual"
    assert (drift.state, case.state, case.resolution) == ("repaired", "resolved", "drift repaired")


def test_an_asynchronous_platform_answers_by_callback_and_the_repair_is_verified(make_service):
    from apps.network.models import NetworkOperation
    from apps.network.services import network_operation_complete, network_sim_async

    service_id = missing_drift(make_service)
    drift = services.reconcile_service(service_id=service_id)[0]
    network_sim_async(platform="ipam", enabled=True)

    run_repairs()
    assert RepairJob.objects.get().state == "pendingExternal"
    network_operation_complete(operation_id=NetworkOperation.objects.get(idempotency_key__startswith="repair:").pk)
    run_repairs()

    drift.refresh_from_db()
    assert (RepairJob.objects.get().state, drift.state) == ("done", "repaired")
    assert observed_config_read(platform="ipam", service_id=service_id) == {"config": IP_CONFIG, "status": "ok"}


def test_an_operator_adopts_an_orphan_under_the_spec_they_name(db, capsys):
    from django.core.management import call_command

    known_spec(spec_id="spec-ip-2", name="Static IP (2)")
    service_id = str(uuid.UUID(int=10))
    adapter_for("ipam").apply(idempotency_key="manual", service_id=service_id, params={"routing": "static"})
    drift = services.reconcile_service(service_id=service_id)[0]  # names no spec: escalated

    call_command("adopt_orphan", str(drift.pk), "--spec", "spec-ip-2")
    run_repairs()

    assert capsys.readouterr().out == f"adoption of {service_id} on ipam asked of activation\n"
    service = service_get(service_id=service_id)
    assert (service.spec_id, service.spec_name, service.state, service.characteristics) == (
        "spec-ip-2", "Static IP (2)", "active", {"routing": "static"})
    drift.refresh_from_db()
    assert (drift.state, FalloutCase.objects.get().state) == ("repaired", "resolved")


@pytest.mark.parametrize("spec_id", ["spec-unknown", "spec-cpe"])  # never seen; seen, but built on cpe_manager
def test_an_operator_adoption_under_a_spec_activation_cannot_use_is_refused(db, spec_id):
    known_spec(spec_id="spec-cpe", family="managed_cpe", name="CPE")
    service_id = str(uuid.UUID(int=11))
    adapter_for("ipam").apply(idempotency_key="manual", service_id=service_id, params={"routing": "static"})
    drift = services.reconcile_service(service_id=service_id)[0]

    with pytest.raises(IllegalTransition):
        services.drift_adopt(drift_id=drift.pk, spec_id=spec_id)

    drift.refresh_from_db()
    assert (drift.state, RepairJob.objects.count(), Service.objects.count()) == ("escalated", 0, 0)


def test_the_sweep_republishes_forgotten_jobs_and_times_out_silent_platforms(make_service):
    from datetime import timedelta

    from django.utils import timezone

    from apps.service_ordering.repair import repair_sweep

    service_id = missing_drift(make_service)
    services.reconcile_service(service_id=service_id)  # its job was never published (no commit in this test)
    waiting = RepairJob.objects.create(service_id=service_id, platform="ipam", kind="restore", requested_by="other",
                                       state="pendingExternal", attempts=1, enqueued_at=timezone.now(),
                                       deadline_at=timezone.now() - timedelta(seconds=1))

    assert repair_sweep() == {"due": 1, "abandoned": 0, "timed_out": 1}

    forgotten = RepairJob.objects.get(requested_by=str(DriftRecord.objects.get().pk))
    waiting.refresh_from_db()
    assert (forgotten.state, forgotten.enqueued_at is not None) == ("pending", True)
    assert (waiting.state, waiting.attempts, waiting.last_error) == ("pending", 1, "no callback before the deadline")
