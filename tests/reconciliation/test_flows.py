"""Drift injected into the simulator, detected and repaired (or escalated) by the real worker; afterwards the
inventories say exactly what runs: TMF638 (state, operating status, characteristics) and TMF637 (status, the
degraded services behind its serviceHealth characteristic)."""
import time
from datetime import UTC, datetime

import pytest
from django.db import transaction

from apps.fallout.models import FalloutCase
from apps.network.adapters import adapter_for
from apps.network.selectors import observed_config_read
from apps.network.services import network_drift_heal, network_drift_inject
from apps.product_inventory.selectors import product_get
from apps.reconciliation import conf
from apps.reconciliation.models import DriftRecord, ReconcileRun
from apps.service_inventory.selectors import service_get, service_list
from apps.service_ordering.models import RepairJob
from bss.models import HubSubscription
from bss.testing import Listener

from .conftest import IP_CONFIG, active_service, product_of

pytestmark = pytest.mark.flows

HEALTHY = ("active", "ok", IP_CONFIG)  # TMF638 (state, operating status, characteristics) of a repaired service
DEGRADED = ("active", "degraded", IP_CONFIG)
HEALTH = {"name": "serviceHealth", "valueType": "string", "value": "degraded"}  # TMF637 while degraded


def quiet_schedule(family="ip_address"):
    """A scheduled pass just ran for the family, so only the event path can see what the test injects."""
    ReconcileRun.objects.create(family=family, detected_by="scheduled")


def inject(service_id: str, kind: str, **extra):
    with transaction.atomic():
        network_drift_inject(service_id=service_id, kind=kind, **extra)
    return time.time()


def settled(service_id, *states):
    return lambda: DriftRecord.objects.filter(service_id=service_id, state__in=states).first()


def tmf638(service_id):
    service = service_get(service_id=service_id)
    return None if service is None else (service.state, service.operating_status, service.characteristics)


def tmf637(product):
    """(status, degraded realizing services): TMF637 shows the latter as serviceHealth = degraded."""
    product = product_get(product_id=product.pk)
    return product.status, product.degraded_services


def tmf638_rows():
    """Everything TMF638 holds, down to when each row was last written."""
    return sorted(service_list().values_list("pk", "state", "operating_status", "characteristics", "updated_at"))


def assert_detected_by_event_within_a_second(drift, injected_at):
    assert drift.detected_by == "event"
    assert drift.detected_at.timestamp() - injected_at < 1.0, drift.detected_at.timestamp() - injected_at


# --- event path: the simulator announces the change (NetworkChangeEvent) ------------------------------------

@pytest.mark.parametrize("kind", ["config", "missing"])
def test_config_and_missing_drift_are_detected_by_event_and_repaired(worker, eventually, kind):
    quiet_schedule()
    service = active_service()
    sid = str(service.pk)
    product = product_of(service)
    injected_at = inject(sid, kind)

    drift = eventually(lambda: DriftRecord.objects.filter(service_id=sid).first(), timeout=5)
    assert_detected_by_event_within_a_second(drift, injected_at)
    drift = eventually(settled(sid, "repaired"), timeout=10)

    assert (drift.kind, drift.repair_attempts) == (kind, 1)
    assert observed_config_read(platform="ipam", service_id=sid) == {"config": IP_CONFIG, "status": "ok"}
    assert tmf638(sid) == HEALTHY
    assert tmf637(product) == ("active", [])
    assert FalloutCase.objects.count() == 0


def test_degraded_service_is_marked_retried_escalated_and_recovers_when_healed(worker, eventually):
    quiet_schedule()
    service = active_service()
    sid = str(service.pk)
    product = product_of(service)
    injected_at = inject(sid, "degraded")

    drift = eventually(lambda: DriftRecord.objects.filter(service_id=sid).first(), timeout=5)
    assert_detected_by_event_within_a_second(drift, injected_at)
    drift = eventually(settled(sid, "escalated"), timeout=20)
    case = eventually(lambda: FalloutCase.objects.filter(service_id=sid).first(), timeout=5)

    assert (drift.kind, drift.repair_attempts) == ("degraded", 3)
    assert (case.source, case.kind, case.state) == ("reconciliation", "degradedDrift", "open")
    # Activation's job made the attempts and opened the one case; reconciliation only recorded the escalation.
    job = RepairJob.objects.get(requested_by=str(drift.pk))
    assert (job.kind, job.state, job.attempts, case.job_id) == ("retry_degraded", "failed", 3, str(job.pk))
    assert FalloutCase.objects.filter(service_id=sid).count() == 1
    assert tmf638(sid) == DEGRADED
    # TMF637 has no "degraded": by the default rule the product stays active, its serviceHealth degraded.
    assert eventually(lambda: tmf637(product) == ("active", [sid]), timeout=5)

    with transaction.atomic():
        network_drift_heal(service_id=sid)

    drift = eventually(settled(sid, "cleared"), timeout=5)
    assert eventually(lambda: tmf637(product) == ("active", []), timeout=5)
    assert tmf638(sid) == HEALTHY
    case = eventually(lambda: FalloutCase.objects.filter(pk=case.pk, state="resolved").first(), timeout=5)
    assert case.resolution == "drift cleared"


def test_by_rule_a_degraded_service_suspends_its_product_until_it_is_healed(worker, eventually):
    """conftest gives the worker BSS_PRODUCT_STATUS_ON_DEGRADED = {"iptv": "suspended"}."""
    quiet_schedule("iptv")
    service = active_service(family="iptv", platform="iptv_platform")
    sid = str(service.pk)
    product = product_of(service)
    inject(sid, "degraded")

    assert eventually(lambda: tmf637(product) == ("suspended", [sid]), timeout=5), tmf637(product)
    assert product_get(product_id=product.pk).status_reason == f"realizing service degraded: {sid}"
    eventually(settled(sid, "escalated"), timeout=20)
    assert (tmf638(sid), tmf637(product)) == (DEGRADED, ("suspended", [sid]))
    with transaction.atomic():
        network_drift_heal(service_id=sid)

    assert eventually(lambda: tmf637(product) == ("active", []), timeout=5), tmf637(product)
    assert tmf638(sid) == HEALTHY
    assert product_get(product_id=product.pk).status_reason == f"realizing service {sid} healthy again"


def test_orphan_is_detected_by_event_flagged_to_an_operator_and_tmf638_is_untouched(worker, eventually):
    quiet_schedule()
    product = product_of(active_service())  # a bystander: nothing about it may change
    before = tmf638_rows()
    injected_at = inject("ghost-flow", "orphan", platform="ipam")

    drift = eventually(lambda: DriftRecord.objects.filter(service_id="ghost-flow").first(), timeout=5)
    assert_detected_by_event_within_a_second(drift, injected_at)
    drift = eventually(settled("ghost-flow", "escalated"), timeout=10)
    case = eventually(lambda: FalloutCase.objects.filter(service_id="ghost-flow").first(), timeout=5)

    assert (drift.kind, case.kind, case.state) == ("orphan", "orphanDrift", "open")
    assert observed_config_read(platform="ipam", service_id="ghost-flow") == {"config": {"origin": "manual"},
                                                                              "status": "ok"}
    assert (tmf638("ghost-flow"), tmf638_rows()) == (None, before)
    assert tmf637(product) == ("active", [])


def test_hub_listeners_hear_tmf638_and_tmf637_events_of_a_degradation_and_its_recovery(worker, eventually):
    listener = Listener().start()
    try:
        for api in ("tmf638", "tmf637"):
            HubSubscription.objects.create(api=api, callback=listener.url)
        quiet_schedule()
        service = active_service()
        sid = str(service.pk)
        product = product_of(service)

        def heard(event_type, resource):
            return [envelope["event"][resource] for envelope in listener.received
                    if envelope["eventType"] == event_type]

        def health_heard():
            return ([body["operatingStatus"] for body in heard("ServiceAttributeValueChangeEvent", "service")
                     if body["id"] == sid],
                    [(body["status"], body.get("productCharacteristic", []))
                     for body in heard("ProductAttributeValueChangeEvent", "product") if body["id"] == str(product.pk)])

        inject(sid, "degraded")
        eventually(lambda: health_heard() == (["degraded"], [("active", [HEALTH])]), timeout=10,
                   message=f"degradation heard: {health_heard()}")
        eventually(settled(sid, "escalated"), timeout=20)
        with transaction.atomic():
            network_drift_heal(service_id=sid)

        eventually(lambda: health_heard() == (["degraded", "ok"], [("active", [HEALTH]), ("active", [])]),
                   timeout=10, message=f"recovery heard: {health_heard()}")
        # Drift moves the running service's operatingStatus, an attribute: its TMF638 state never changed.
        assert [body for body in heard("ServiceStateChangeEvent", "service") if body["id"] == sid] == []
        # The product's one status change is its creation's (created → active): by the default rule it stayed active.
        assert [body["status"] for body in heard("ProductStateChangeEvent", "product")
                if body["id"] == str(product.pk)] == ["active"]
    finally:
        listener.stop()


# --- scheduled path: the network changes without telling anyone ---------------------------------------------

def silent_config_change():
    service = active_service()
    product = product_of(service)
    adapter_for("ipam").apply(idempotency_key="silent", service_id=str(service.pk), params={"routing": "bgp"})
    return str(service.pk), product


def silently_missing():
    with transaction.atomic():  # the pass sees the service and its product together
        service = active_service(on_network=False)
        return str(service.pk), product_of(service)


def silent_orphan():
    product = product_of(active_service())  # a bystander: TMF638 must not change at all
    adapter_for("ipam").apply(idempotency_key="silent", service_id="ghost-silent", params={"origin": "manual"})
    return "ghost-silent", product


def silently_degraded():
    """Degraded while still being built (the event check leaves it to activation), then activated."""
    from apps.service_inventory.services import service_update

    service = active_service(state="inactive")
    product = product_of(service)
    with transaction.atomic():
        network_drift_inject(service_id=str(service.pk), kind="degraded")
    time.sleep(0.5)  # the event-driven check has looked and found nothing to say about an inactive service
    service_update(service_id=service.pk, changes={"state": "active"})
    return str(service.pk), product


# kind → (how the network changes without telling anyone, where the drift ends, TMF638 after, TMF637 after;
# None for TMF638: the changed service is not in TMF638 and every TMF638 row is as before)
SILENT = {"config": (silent_config_change, "repaired", HEALTHY, ("active", [])),
          "missing": (silently_missing, "repaired", HEALTHY, ("active", [])),
          "orphan": (silent_orphan, "escalated", None, ("active", [])),
          "degraded": (silently_degraded, "escalated", DEGRADED, ("active", "degraded"))}
EVERY = 2  # the ip_address cycle these tests give the family's spec (reconcile_every_seconds)
# A pass starts at most one beat tick after it is due; the rest is the task's wait for a busy worker and the
# pass itself. So "within one cycle" is EVERY + TOLERANCE seconds after the change.
TOLERANCE = conf.tick_seconds() + 0.5


@pytest.mark.parametrize("kind", SILENT)
def test_a_silent_change_is_found_by_the_scheduled_pass_within_one_cycle(worker, eventually, kind):
    from apps.service_catalog.services import service_specification_create

    assert conf.tick_seconds() < EVERY  # the tick is finer than the cycle, so every cycle has its pass
    service_specification_create(name="IP access", family="ip_address", reconcile_every_seconds=EVERY)
    make, end, service_after, product_after = SILENT[kind]
    service_id, product = make()
    changed_at = time.time()
    before = tmf638_rows()

    drift = eventually(lambda: DriftRecord.objects.filter(service_id=service_id).first(), timeout=10)
    assert (drift.kind, drift.detected_by) == (kind, "scheduled")
    assert drift.detected_at.timestamp() - changed_at < EVERY + TOLERANCE, drift.detected_at.timestamp() - changed_at
    # ... and no pass that started after the change finished without finding it.
    assert not ReconcileRun.objects.filter(family="ip_address", detected_by="scheduled",
                                           started_at__gt=datetime.fromtimestamp(changed_at, tz=UTC),
                                           finished_at__lt=drift.detected_at).exists()
    drift = eventually(settled(service_id, end), timeout=15)

    if end == "escalated":
        case = eventually(lambda: FalloutCase.objects.filter(service_id=service_id).first(), timeout=5)
        assert case.kind == f"{kind}Drift"
    else:
        assert observed_config_read(platform="ipam", service_id=service_id) == {"config": IP_CONFIG,
                                                                                "status": "ok"}
    if service_after is None:
        assert (tmf638(service_id), tmf638_rows()) == (None, before)
    else:
        assert tmf638(service_id) == service_after
    status, degraded = product_after
    expected_product = (status, [service_id] if degraded else [])
    assert eventually(lambda: tmf637(product) == expected_product, timeout=5), tmf637(product)


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
# orphan → (how it is left on the network, what the network runs once repaired, TMF638 after)
ORPHANS = {"adopt": (attributable_orphan, ADOPTED, ("active", "ok", ADOPTED)),
           "remove_orphan": (terminated_leftover, None, ("terminated", "ok", IP_CONFIG))}


@pytest.mark.parametrize("repair", ORPHANS)
def test_an_orphan_is_adopted_or_removed_by_activation_within_one_cycle(worker, eventually, repair):
    from apps.service_catalog.services import service_specification_create

    service_specification_create(name="IP access", family="ip_address", reconcile_every_seconds=EVERY)
    make, config, service_after = ORPHANS[repair]
    service_id = make()

    drift = eventually(settled(service_id, "repaired"), timeout=15)

    job = RepairJob.objects.get(requested_by=str(drift.pk))
    assert (drift.kind, drift.detected_by, drift.repair_attempts) == ("orphan", "scheduled", 1)
    assert (job.kind, job.state, job.attempts) == (repair, "done", 1)
    observed = observed_config_read(platform="ipam", service_id=service_id)
    assert (observed or {}).get("config") == config
    assert tmf638(service_id) == service_after
    assert FalloutCase.objects.filter(service_id=service_id).count() == 0
