import pytest
from django.core.management import call_command

from apps.fallout.models import FalloutCase
from apps.network.adapters import adapter_for
from apps.network.services import network_drift_inject
from apps.reconciliation import selectors, services
from apps.reconciliation.models import DriftRecord, ReconcileRun
from apps.service_inventory.selectors import service_get
from apps.service_ordering.models import RepairJob
from bss.models import OutboxEvent
from bss.testing import outbox_drain

from .conftest import IP_CONFIG


def drifts():
    return sorted(DriftRecord.objects.values_list("kind", "state", "detected_by"))


def test_a_matching_service_has_no_drift(make_service):
    service = make_service()

    assert services.reconcile_service(service_id=str(service.pk)) == []
    assert DriftRecord.objects.count() == 0


@pytest.mark.parametrize(("kind", "expected", "observed"), [
    ("config", {"ipv4_address": "10.1.2.3"}, {"ipv4_address": "10.1.2.3-manual"}),
    ("missing", IP_CONFIG, None),
    ("degraded", {"status": "ok"}, {"status": "degraded"}),
])
def test_each_injected_drift_is_recorded_once(make_service, kind, expected, observed):
    service = make_service()
    network_drift_inject(service_id=str(service.pk), kind=kind)

    services.reconcile_service(service_id=str(service.pk))
    services.reconcile_service(service_id=str(service.pk))

    drift = DriftRecord.objects.get()
    # Recorded and, in the same transaction, repair asked of activation.
    assert (drift.kind, drift.platform, drift.family, drift.state, drift.detected_by) == (
        kind, "ipam", "ip_address", "repairing", "event")
    assert (drift.expected, drift.observed) == (expected, observed)
    assert OutboxEvent.objects.filter(event_type="DriftDetectedEvent").count() == 1


def test_orphan_is_what_the_network_runs_for_nobody(db):
    network_drift_inject(service_id="ghost-1", kind="orphan", platform="ipam")

    services.reconcile_service(service_id="ghost-1")

    drift = DriftRecord.objects.get()
    assert (drift.service_id, drift.kind, drift.expected, drift.observed) == (
        "ghost-1", "orphan", None, {"origin": "manual"})


def test_degraded_marks_the_service_degraded(make_service):
    service = make_service()
    network_drift_inject(service_id=str(service.pk), kind="degraded")

    services.reconcile_service(service_id=str(service.pk))

    assert service_get(service_id=service.pk).operating_status == "degraded"


def test_drift_gone_by_itself_is_cleared_and_its_fallout_case_resolved(db):
    network_drift_inject(service_id="ghost-3", kind="orphan", platform="ipam")
    drift = services.reconcile_service(service_id="ghost-3")[0]
    outbox_drain()
    adapter_for("ipam").remove(idempotency_key="cleanup", service_id="ghost-3", params={})

    services.reconcile_service(service_id="ghost-3", detected_by="scheduled")
    outbox_drain()

    drift.refresh_from_db()
    assert drift.state == "cleared"
    case = FalloutCase.objects.get()
    assert (case.state, case.resolution) == ("resolved", "drift cleared")


def test_family_pass_pages_through_services_and_finds_every_kind(make_service):
    healthy = [make_service() for _ in range(3)]
    config, missing, degraded = make_service(), make_service(), make_service()
    building = make_service(state="reserved", on_network=False)
    network_drift_inject(service_id=str(config.pk), kind="config")
    network_drift_inject(service_id=str(missing.pk), kind="missing")
    network_drift_inject(service_id=str(degraded.pk), kind="degraded")
    network_drift_inject(service_id="ghost-5", kind="orphan", platform="ipam")

    summary = services.reconcile_family(family="ip_address", batch=2)

    assert {k: summary[k] for k in ("family", "services_checked", "observed_checked", "drifts_found")} == {
        "family": "ip_address", "services_checked": 7, "observed_checked": 6, "drifts_found": 4}
    assert sorted(DriftRecord.objects.values_list("service_id", "kind")) == sorted([
        (str(config.pk), "config"), (str(missing.pk), "missing"), (str(degraded.pk), "degraded"),
        ("ghost-5", "orphan")])
    assert set(DriftRecord.objects.values_list("detected_by", flat=True)) == {"scheduled"}
    assert building and healthy
    assert ReconcileRun.objects.get().drifts_found == 4


def test_a_second_pass_refreshes_instead_of_duplicating(make_service):
    service = make_service()
    network_drift_inject(service_id=str(service.pk), kind="config")

    services.reconcile_family(family="ip_address")
    second = services.reconcile_family(family="ip_address")

    assert DriftRecord.objects.count() == 1
    assert second["drifts_found"] == 1


def test_family_is_due_by_its_spec_frequency(make_service):
    from apps.service_catalog.services import service_specification_create

    service_specification_create(name="IP", family="ip_address", reconcile_every_seconds=3600)

    assert services.family_every_seconds(family="ip_address") == 3600.0
    assert services.reconcile_family_if_due(family="ip_address")["services_checked"] == 0
    assert services.reconcile_family_if_due(family="ip_address") is None
    assert services.family_every_seconds(family="mobile") == 300.0


def test_drift_count_by_kind_lists_every_kind(make_service):
    service = make_service()
    network_drift_inject(service_id=str(service.pk), kind="missing")
    services.reconcile_service(service_id=str(service.pk))

    assert selectors.drift_count_by_kind() == [("config", 0), ("missing", 1), ("orphan", 0), ("degraded", 0)]


def test_reconcile_command_runs_a_pass_and_prints_a_summary(make_service, capsys):
    service = make_service()
    network_drift_inject(service_id=str(service.pk), kind="missing")

    call_command("reconcile", "--family", "ip_address", "--now")

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith('{"family": "ip_address", "services_checked": 1, "observed_checked": 0, '
                             '"drifts_found": 1, "seconds": ')
    assert out[1] == "total: 1 services checked, 1 drift(s) found"


def test_a_forced_pass_runs_even_when_not_due(make_service):
    services.reconcile_family_if_due(family="ip_address")

    assert services.reconcile_family_if_due(family="ip_address") is None
    assert services.reconcile_family_if_due(family="ip_address", force=True)["family"] == "ip_address"


def test_sync_inventory_refuses_what_has_nothing_to_copy(db):
    from bss.errors import IllegalTransition

    network_drift_inject(service_id="ghost-s", kind="orphan", platform="ipam")
    drift = services.reconcile_service(service_id="ghost-s")[0]

    with pytest.raises(IllegalTransition):
        services.drift_sync_inventory(drift_id=drift.pk)
    drift.refresh_from_db()
    assert drift.state == "escalated"  # as detection left it (nothing to repair): the refusal changed nothing
    assert RepairJob.objects.count() == 0
