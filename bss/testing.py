"""Test helpers shared by every app's tests: tokens, TMF error assertions, the parametrised API checks."""
import json
import os
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .hub_listener import Listener  # noqa: F401 (the tests' listener)

SHARED = Path(settings.BASE_DIR).parent / "shared"
TMF_SPECS_DIR = Path(os.environ.get("TMF_SPECS_DIR", SHARED / "tmf" / "specs"))
TMF_CTK_DIR = Path(os.environ.get("TMF_CTK_DIR", SHARED / "tmf" / "ctk"))


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_tmf_error(response, status: int, code: str | None = None):
    """The response is a TMF error body with this status (and code, when given)."""
    assert response.status_code == status, (response.status_code, getattr(response, "content", b"")[:500])
    body = response.json()
    assert set(body) >= {"code", "reason", "message", "status"}, body
    assert body["status"] == str(status)
    if code is not None:
        assert body["code"] == code, body
    return body


def post_json(client, url, payload, token=None, **extra):
    headers = bearer(token) if token else {}
    return client.post(url, data=json.dumps(payload), content_type="application/json", **headers, **extra)


def patch_merge(client, url, payload, token=None, content_type="application/merge-patch+json"):
    headers = bearer(token) if token else {}
    return client.patch(url, data=json.dumps(payload), content_type=content_type, **headers)


def count_queries(func):
    """(result, number of SQL queries) of func()."""
    with CaptureQueriesContext(connection) as context:
        result = func()
    return result, len(context.captured_queries)


def load_spec(filename: str) -> dict | None:
    path = TMF_SPECS_DIR / filename
    return json.loads(path.read_text()) if path.exists() else None


def outbox_drain(max_rounds: int = 20) -> int:
    """Run pending handler deliveries in this process, until nothing is left.

    For unit tests (no worker): what the worker would do, synchronously. Returns deliveries run."""
    from .events import delivery_run
    from .models import Delivery

    ran = 0
    for _ in range(max_rounds):
        deliveries = list(Delivery.objects.filter(state=Delivery.State.PENDING, kind=Delivery.Kind.HANDLER,
                                                  attempts=0).values_list("pk", flat=True))
        for delivery_id in deliveries:
            delivery_run(delivery_id=delivery_id)
            ran += 1
        if not deliveries:
            break
    return ran
