import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

ROOT = Path(settings.BASE_DIR)
pytest_plugins = ["tests.catalog_fixtures"]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def demo_parties(db):
    """Staff groups, the admin user, the demo channel and its customers (apps/parties/demo.py)."""
    from apps.parties import demo

    demo.seed()
    from apps.parties.models import Party

    return {party.name: party for party in Party.objects.all()}


@pytest.fixture
def channel_a(db):
    from apps.parties.testing import make_channel

    return make_channel("channel-a")


@pytest.fixture
def channel_b(db):
    from apps.parties.testing import make_channel

    return make_channel("channel-b")


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class WorkerProcess:
    """A real `celery worker` (prefork, all queues, embedded beat) against the test database."""

    def __init__(self):
        self.process = None

    def start(self):
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # no task left from an earlier run
        env = {**os.environ, "DATABASE_URL": _test_database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        schedule = ROOT / "var" / f"beat-schedule-{os.getpid()}"
        log = open(ROOT / "var" / f"flow-worker-{os.getpid()}.log", "ab")
        celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
        self.process = subprocess.Popen(
            [celery, "-A", "tests.flow_worker", "worker", "-Q", "orders,activation,notifications,reconcile,default",
             "--concurrency", "2", "-l", "INFO", "-B", "--scheduler", "celery.beat:PersistentScheduler", "-s", str(schedule), "-n", f"flow{os.getpid()}@%h",
             "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()
        return self

    def _wait_ready(self, timeout=30):
        from config.celery_app import app

        deadline = time.time() + timeout
        while time.time() < deadline:
            replies = app.control.ping(timeout=0.5) or []
            if any(f"flow{os.getpid()}@" in name for reply in replies for name in reply):
                return
            if self.process.poll() is not None:
                raise RuntimeError("celery worker exited; see var/flow-worker-*.log")
        raise RuntimeError("celery worker did not become ready")

    def kill_hard(self):
        """kill -9 the whole worker (pool children included), as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def _worker_session(django_db_setup, django_db_blocker):
    worker = WorkerProcess()
    with django_db_blocker.unblock():
        worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(_worker_session, transactional_db):
    """A running real worker; the test's data is committed so the worker sees it."""
    if _worker_session.process.poll() is not None:
        _worker_session.start()
    return _worker_session


def wait_until(predicate, timeout=20.0, interval=0.1, message="condition not met"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} within {timeout}s")


@pytest.fixture
def eventually():
    return wait_until


def pytest_collection_modifyitems(config, items):
    """Tests that run real workers or browsers go last, so the rest never share the database with a worker."""
    late = ("flows", "chaos", "browser")
    items.sort(key=lambda item: any(item.get_closest_marker(name) for name in late))


@pytest.fixture(autouse=True, scope="session")
def _flush_survives_worker_deadlocks():
    """A transactional test's teardown TRUNCATEs every table while a real worker may hold locks on some:
    PostgreSQL then aborts one side of the deadlock. Retry the flush instead of failing the test."""
    from django.db.utils import OperationalError
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def teardown_with_retry(self):
        for attempt in range(5):
            try:
                return original(self)
            except OperationalError as exc:
                if "deadlock" not in str(exc) or attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    TransactionTestCase._fixture_teardown = teardown_with_retry
    yield
    TransactionTestCase._fixture_teardown = original
