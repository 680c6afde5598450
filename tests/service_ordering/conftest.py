import os

import pytest

from tests.catalog_fixtures import demo_catalog  # noqa: F401 (until tests/conftest.py loads the plugin)

# Short retry backoff and stale-claim limit for these tests and for the flow worker they start (it inherits
# the environment): a killed worker's step is picked up again within seconds.
os.environ.setdefault("BSS_ACTIVATION_BACKOFF_SECONDS", "0")
os.environ.setdefault("BSS_ACTIVATION_STALE_SECONDS", "4")


@pytest.fixture
def backoffice(db):
    """An orchestrator client that may write TMF641: (party, token)."""
    from apps.parties.testing import make_channel

    return make_channel("orchestrator", scopes=["tmf641.read", "tmf641.write", "tmf638.read"])


@pytest.fixture
def specs(db):
    from .activation import cache_specs

    cache_specs()


@pytest.fixture
def healthy_network(db):
    """Every platform answers at once (no callbacks), so unit tests stay synchronous unless they opt in."""
    from apps.network.choices import Platform
    from apps.network.services import network_sim_async

    for platform in Platform.values:
        network_sim_async(platform=platform, enabled=False)


def system_is_quiet() -> bool:
    from apps.network.models import NetworkOperation
    from apps.service_ordering.models import ActivationJob
    from bss.models import Delivery, OutboxEvent

    return not (OutboxEvent.objects.filter(state="pending").exists()
                or Delivery.objects.filter(state="pending").exists()
                or ActivationJob.objects.filter(state__in=("pending", "running", "pendingExternal")).exists()
                or NetworkOperation.objects.filter(state="pending").exists())


@pytest.fixture
def worker(celery_worker):
    """The real worker; afterwards it is left to finish what the test started, since the next test's flush
    would otherwise truncate tables under its running transactions (and deadlock)."""
    yield celery_worker
    from tests.conftest import wait_until

    try:
        wait_until(system_is_quiet, timeout=45, interval=0.2)
    except AssertionError:
        pass  # the test itself reports what did not finish
