"""TMF hub: listener subscriptions and at-least-once HTTP delivery of event envelopes."""
import ipaddress
import logging
import socket
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists
from django.utils import timezone

from .errors import ValidationFailed
from .models import Delivery, HubSubscription

logger = logging.getLogger(__name__)


# Cloud metadata endpoints that are not link-local (169.254.169.254 is): AWS over IPv6, Alibaba.
METADATA_ADDRESSES = {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}


def _address_refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast or ip.is_reserved
            or ip in METADATA_ADDRESSES)


def callback_refusal(callback: str) -> str | None:
    """Why this callback may not be called (SSRF guard), or None. Checked when a listener registers and again
    before every delivery (the name may resolve elsewhere by then). Off where BSS_HUB_ALLOW_LOCAL_CALLBACKS is
    on (local and test settings: their listeners run on 127.0.0.1)."""
    if settings.BSS_HUB_ALLOW_LOCAL_CALLBACKS:
        return None
    host = urlsplit(callback).hostname
    if not host:
        return "callback has no host"
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return None  # does not resolve now: delivery checks again and fails like any unreachable listener
    refused = sorted(address for address in addresses if _address_refused(address))
    return f"callback host {host} resolves to a loopback, link-local or metadata address ({refused[0]})" \
        if refused else None


def hub_subscribe(*, api: str, callback: str, query: str = "", owner_party_id: str = "") -> HubSubscription:
    if not isinstance(callback, str) or not callback.lower().startswith(("http://", "https://")):
        raise ValidationFailed("callback must be an http(s) URL", reference_error="callback")
    refusal = callback_refusal(callback)
    if refusal:
        raise ValidationFailed(refusal, reference_error="callback")
    if query is not None and not isinstance(query, str):
        raise ValidationFailed("query must be a string", reference_error="query")
    return HubSubscription.objects.create(api=api, callback=callback[:500], query=(query or "")[:500],
                                          owner_party_id=owner_party_id or "")


def hub_unsubscribe(*, subscription: HubSubscription) -> None:
    subscription.delete()


def subscription_matches(query: str, event) -> bool:
    """Supports the TMF hub query forms `eventType=A,B` and `eventType.in=A,B` (others: match all)."""
    if not query:
        return True
    params = parse_qs(query.lstrip("?"))
    wanted = params.get("eventType") or params.get("eventType.in")
    if not wanted:
        return True
    types = {t.strip() for value in wanted for t in value.split(",")}
    return event.event_type in types


def event_envelope(event, api: str = "") -> dict:
    """The TMF envelope of an outbox event, in the version of the API `api` names (a hub's code; v4 by default)."""
    from .api.versions import dialect_for

    dialect = dialect_for(api) if api else None
    envelope = _v4_envelope(event)
    return dialect.envelope_out(envelope) if dialect is not None else envelope


def _v4_envelope(event) -> dict:
    body = event.tmf_body if event.tmf_body is not None else {"id": event.resource_id}
    envelope = {
        "eventId": str(event.pk),
        "eventTime": event.created_at.isoformat().replace("+00:00", "Z"),
        "eventType": event.event_type,
        "event": {event.resource_type: body},
    }
    if event.correlation_id:  # the spec types it a string: an event from a shell or seed_demo has none
        envelope["correlationId"] = event.correlation_id
    return envelope


# A parked delivery is woken by the earlier one's end; this re-check by the sweeper only covers a lost wake-up.
WAITING_RECHECK = timedelta(minutes=5)


def listener_deliver(*, delivery_id) -> str:
    """POST the envelope to the callback; 2xx marks it delivered, anything else counts an attempt.

    A resource's events reach a listener in event order: while an earlier delivery of the same (subscription,
    resource) is pending (say its worker died mid-call and it waits for redelivery), this one is parked and
    woken when that one is delivered or dead-lettered. The check rides on the claiming SELECT."""
    from .events import delivery_record_failure, listener_earlier_undelivered, listener_wake

    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("event", "subscription")
                    .annotate(behind=Exists(listener_earlier_undelivered()))
                    .filter(pk=delivery_id, state=Delivery.State.PENDING).first())
        if delivery is None:
            return "skipped"
        if delivery.next_attempt_at and delivery.next_attempt_at > timezone.now() + timedelta(milliseconds=50):
            return "not-due"
        if delivery.subscription is None:  # listener unsubscribed meanwhile: nothing left to deliver to
            delivery.state = Delivery.State.DEAD
            delivery.last_error = "subscription removed"
            delivery.save(update_fields=["state", "last_error"])
            return "dead"
        if delivery.behind:  # parked: not published (no enqueued_at) until its turn
            delivery.enqueued_at = None
            delivery.next_attempt_at = timezone.now() + WAITING_RECHECK
            delivery.save(update_fields=["enqueued_at", "next_attempt_at"])
        else:
            callback = delivery.subscription.callback
            envelope = event_envelope(delivery.event, delivery.subscription.api)
            # Claim for the length of the call so a concurrent sweep does not post the same attempt twice.
            delivery.enqueued_at = timezone.now()
            delivery.save(update_fields=["enqueued_at"])
    if delivery.behind:
        # The earlier one may have ended before this one was parked, and found nothing to wake.
        listener_wake(Delivery.objects.filter(pk=delivery_id))
        return "waiting"
    refusal = callback_refusal(callback)
    if refusal:  # never becomes deliverable: dead-letter now
        return delivery_record_failure(delivery_id=delivery_id, error=refusal, final=True)
    try:
        # No redirects: a 3xx could point the POST at an address the guard refuses.
        response = requests.post(callback, json=envelope, timeout=settings.BSS_HTTP_TIMEOUT, allow_redirects=False,
                                 headers={"X-Correlation-ID": delivery.event.correlation_id or ""})
    except requests.RequestException as exc:
        return delivery_record_failure(delivery_id=delivery_id, error=repr(exc))
    if 200 <= response.status_code < 300:
        _mark_delivered_and_wake_next(delivery_id, response.status_code)
        return "delivered"
    return delivery_record_failure(delivery_id=delivery_id, error=f"HTTP {response.status_code}",
                                   status=response.status_code)


def _mark_delivered_and_wake_next(delivery_id, status: int) -> None:
    """Mark delivered and stamp the resource's next delivery if it is parked (see events.listener_wake), in one
    statement: the hot path costs what it did before the ordering. Then publish the one stamped."""
    from .events import _publish_stamped

    table = connection.ops.quote_name(Delivery._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH done AS (UPDATE {table} SET state = %s, attempts = attempts + 1, last_status = %s, "
            f"delivered_at = %s WHERE id = %s AND state = %s RETURNING id, subscription_id, resource) "
            f"UPDATE {table} AS d SET enqueued_at = %s, next_attempt_at = NULL FROM done "
            f"WHERE d.id = (SELECT n.id FROM {table} AS n WHERE n.kind = %s AND n.state = %s "
            f"AND n.subscription_id = done.subscription_id AND n.resource = done.resource AND n.id > done.id "
            f"ORDER BY n.id LIMIT 1) AND d.enqueued_at IS NULL AND d.next_attempt_at IS NOT NULL "
            f"RETURNING d.id, d.queue",
            [Delivery.State.DELIVERED, status, now, delivery_id, Delivery.State.PENDING, now,
             Delivery.Kind.LISTENER, Delivery.State.PENDING])
        woken = cursor.fetchall()
    _publish_stamped(woken)
