import os
import time

import pytest

# The real worker (started once per session) reads these: families wake every second (finer than the 2 s cycle
# the flow tests give ip_address, so a pass starts at most a tick after it is due), repairs back off fast.
os.environ.setdefault("BSS_RECONCILE_TICK_SECONDS", "1")
os.environ.setdefault("BSS_REPAIR_BACKOFF_SECONDS", "0.2")
# The worker suspends iptv products while their service is degraded (the rule's other branch, shown by a flow
# test); no other test degrades an iptv service, and every other family keeps the default (stay active).
os.environ.setdefault("BSS_PRODUCT_STATUS_ON_DEGRADED", '{"iptv": "suspended"}')

IP_CONFIG = {"ipv4_address": "10.1.2.3", "routing": "static"}


def active_service(characteristics=None, family="ip_address", on_network=True, state="active", platform="ipam"):
    """A TMF638 service and (unless told otherwise) the network running exactly what it records."""
    from apps.network.adapters import adapter_for
    from apps.service_inventory.services import service_create

    config = dict(IP_CONFIG if characteristics is None else characteristics)
    service = service_create(spec_id="spec-ip", state=state, family=family, characteristics=config)
    if on_network:
        adapter_for(platform).apply(idempotency_key=f"build-{service.pk}", service_id=str(service.pk), params=config)
    return service


def known_spec(spec_id="spec-ip", family="ip_address", name="Static IP"):
    """Activation's spec cache knows the spec (as after a warm-up from the catalog)."""
    from apps.service_ordering.services import service_spec_cache_store

    return service_spec_cache_store(spec_id=spec_id, version="1", activation={
        "family": family, "activator": family, "name": name, "version": "1"})


def run_repairs(max_rounds: int = 10) -> int:
    """What the activation worker and the subscribers would do, in this process: run every due repair job and
    deliver the events, until nothing is left. Returns how many job runs it made."""
    from apps.service_ordering.repair import repair_job_list, repair_job_run
    from bss.testing import outbox_drain

    ran = 0
    outbox_drain()
    for _ in range(max_rounds):
        due = list(repair_job_list().filter(state="pending").values_list("pk", flat=True))
        for job_id in due:
            repair_job_run(job_id=job_id)
            ran += 1
        outbox_drain()
        if not due:
            break
    return ran


def product_of(service):
    """The customer's product realized by the service (as COM would have recorded it at completion)."""
    from apps.product_inventory.services import product_upsert_from_order

    return product_upsert_from_order(facts={
        "product_id": None, "origin_key": f"recon-test:{service.pk}", "owner_party_id": None, "status": "active",
        "reason": "order completed", "order_id": "po-test", "order_item_id": "1", "action": "add",
        "name": "Static IP", "realizing_services": [{"service_id": str(service.pk), "service_spec_id": "spec-ip"}]})


def product_status(product) -> str:
    from apps.product_inventory.selectors import product_get

    return product_get(product_id=product.pk).status


@pytest.fixture(autouse=True)
def no_leftover_runs(request):
    """A session's flow worker keeps its beat running after the last flow test's flush, so a reused test
    database may hold a few empty scheduled runs; each test starts with none."""
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        from apps.reconciliation.models import ReconcileRun

        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
        ReconcileRun.objects.all().delete()


@pytest.fixture
def make_service(db):
    return active_service


def _quiet() -> bool:
    from apps.reconciliation.models import DriftRecord
    from bss.models import Delivery, OutboxEvent

    return not (OutboxEvent.objects.filter(state="pending").exists()
                or Delivery.objects.filter(state="pending").exists()
                or DriftRecord.objects.filter(state__in=("open", "repairing")).exists())


@pytest.fixture
def worker(celery_worker):
    """The real worker; afterwards no family pass is due for an hour and in-flight work is left to finish, so the
    next test's flush does not truncate tables under a running pass (a deadlock)."""
    yield celery_worker
    from datetime import timedelta

    from django.utils import timezone

    from apps.reconciliation.models import ReconcileRun
    from apps.service_catalog.choices import ServiceFamily
    from tests.conftest import wait_until

    runs = [ReconcileRun.objects.create(family=family, detected_by="scheduled") for family in ServiceFamily.values]
    ReconcileRun.objects.filter(pk__in=[run.pk for run in runs]).update(
        started_at=timezone.now() + timedelta(hours=1))
    try:
        wait_until(_quiet, timeout=20, interval=0.2)
    except AssertionError:
        pass  # the test itself reports what did not finish
    time.sleep(0.5)  # a pass that started just before parking ends its page
