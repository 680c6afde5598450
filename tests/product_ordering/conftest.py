import json
import os
from types import SimpleNamespace

import pytest

from tests.catalog_fixtures import demo_catalog  # noqa: F401

STANDIN = "tests.product_ordering.standin.RecordingGateway"

ORDERING = "/tmf-api/productOrderingManagement/v4/"


@pytest.fixture(autouse=True)
def standin_gateway(settings):
    from .standin import RecordingGateway

    settings.BSS_SERVICE_ORDERING_GATEWAY = STANDIN
    RecordingGateway.calls = []
    return RecordingGateway


@pytest.fixture
def com(demo_catalog):
    """The demo catalog, COM's demo rules, the demo channel with its token, and its customer ACME."""
    from apps.parties.models import BillingAccount, Party
    from apps.parties.services import token_issue
    from apps.product_ordering import demo

    demo.seed()
    acme = Party.objects.get(name="ACME Corp")
    return SimpleNamespace(catalog=demo_catalog, channel=Party.objects.get(name="Demo Channel"),
                           token=token_issue(client_name="demo-channel").token, customer=acme,
                           account=BillingAccount.objects.get(party=acme))


def order_body(com, offering="Business Fiber 1 Gbps", *, external_id=None, characteristics=None, items=None,
               account=True):
    body = {
        "relatedParty": [{"id": str(com.customer.pk), "role": "customer", "@referredType": "Organization"}],
        "productOrderItem": items or [{
            "id": "1", "action": "add", "productOffering": {"id": str(com.catalog.offering(offering).pk)},
            "product": {"productCharacteristic": [{"name": k, "value": v}
                                                  for k, v in (characteristics or {}).items()]}}],
    }
    if account:
        body["billingAccount"] = {"id": str(com.account.pk)}
    if external_id:
        body["externalId"] = external_id
    return body


def post(api, url, body, token, **headers):
    return api.post(url, data=json.dumps(body), content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}", **headers)


def outbox_is_quiet() -> bool:
    from bss.models import Delivery, OutboxEvent

    return not (OutboxEvent.objects.filter(state="pending").exists()
                or Delivery.objects.filter(state="pending").exists())


@pytest.fixture(scope="module")
def _standin_worker_session(_worker_session, django_db_blocker):
    """A real worker whose gateway is the stand-in (COM's flow tests play activation). The shared session worker
    is stopped meanwhile so it takes none of these tasks; `celery_worker` restarts it for the next tests."""
    from tests.conftest import WorkerProcess

    _worker_session.stop()
    os.environ["BSS_SERVICE_ORDERING_GATEWAY"] = STANDIN  # read by the worker process at its start only
    try:
        with django_db_blocker.unblock():
            worker = WorkerProcess().start()
    finally:
        del os.environ["BSS_SERVICE_ORDERING_GATEWAY"]
    yield worker
    worker.stop()


@pytest.fixture
def worker(_standin_worker_session, transactional_db):
    """The stand-in worker, left to finish what the test started before the next test's flush truncates tables."""
    yield _standin_worker_session
    from tests.conftest import wait_until

    try:
        wait_until(outbox_is_quiet, timeout=30, interval=0.2)
    except AssertionError:
        pass  # the test itself reports what did not finish
