"""Idempotency-Key on POST: the first response is stored and replayed; concurrent repeats wait for it."""
import hashlib
import json

from django.db import transaction
from rest_framework.response import Response

from bss.errors import Conflict
from bss.models import IdempotencyRecord

HEADER = "Idempotency-Key"


def client_key(request) -> str:
    token = getattr(request, "auth", None)
    if getattr(token, "application_id", None):
        return f"app:{token.application_id}"
    user = getattr(request, "user", None)
    return f"user:{user.pk}" if user is not None and user.is_authenticated else "anonymous"


def with_idempotency(request, produce):
    """Run `produce()` (which returns a Response) at most once per (client, key)."""
    key = request.headers.get(HEADER)
    if not key:
        return produce()
    fingerprint = hashlib.sha256(json.dumps(request.data, sort_keys=True, default=str).encode()).hexdigest()
    owner = client_key(request)
    with transaction.atomic():
        # The unique row is the lock: a concurrent repeat blocks on it until the first commits.
        IdempotencyRecord.objects.bulk_create(
            [IdempotencyRecord(client_key=owner, key=key[:200], method=request.method, path=request.path[:300],
                               request_hash=fingerprint)], ignore_conflicts=True)
        record = IdempotencyRecord.objects.select_for_update().get(client_key=owner, key=key[:200])
        if record.response_status is not None:
            if record.request_hash != fingerprint or record.path != request.path[:300]:
                raise Conflict("Idempotency-Key was already used with a different request",
                               reference_error=HEADER)
            headers = {"Location": record.response_location} if record.response_location else {}
            headers["Idempotent-Replayed"] = "true"
            return Response(record.response_body, status=record.response_status, headers=headers)
        response = produce()
        if response.status_code < 300:
            record.response_status = response.status_code
            record.response_body = response.data
            record.response_location = response.get("Location", "")
            record.save(update_fields=["response_status", "response_body", "response_location"])
        else:
            transaction.set_rollback(True)  # a refused request may be retried with the same key
        return response
