"""Correlation ids, JSON-log enrichment, Prometheus metrics and health probes."""
import logging
import os
import time

from django.db import connection
from django.http import HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess

from .context import correlation_id_var, new_correlation_id

logger = logging.getLogger(__name__)
CORRELATION_HEADER = "X-Correlation-ID"

REQUESTS = Counter("bss_http_requests_total", "HTTP requests", ["method", "status"])
REQUEST_SECONDS = Histogram("bss_http_request_seconds", "HTTP request duration", ["method"])
TASKS = Counter("bss_task_outcomes_total", "Celery task outcomes", ["task", "outcome"])


class CorrelationIdFilter(logging.Filter):
    def filter(self, record):
        record.correlation_id = correlation_id_var.get() or None
        return True


class CorrelationIdMiddleware:
    """Takes X-Correlation-ID from the caller or makes one; echoes it and carries it into events and tasks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(CORRELATION_HEADER, "")[:64]
        token = correlation_id_var.set(incoming or new_correlation_id())
        try:
            response = self.get_response(request)
            response[CORRELATION_HEADER] = correlation_id_var.get()
            return response
        finally:
            correlation_id_var.reset(token)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        REQUESTS.labels(request.method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(request.method).observe(time.perf_counter() - started)
        return response


def connect_celery_signals():
    from celery import signals

    @signals.before_task_publish.connect(weak=False)
    def add_correlation_header(headers=None, **_):
        if headers is not None and correlation_id_var.get():
            headers.setdefault("correlation_id", correlation_id_var.get())

    @signals.task_prerun.connect(weak=False)
    def adopt_correlation_id(task=None, **_):
        incoming = getattr(task.request, "correlation_id", None) if task else None
        correlation_id_var.set(incoming or new_correlation_id())

    @signals.task_success.connect(weak=False)
    def count_success(sender=None, **_):
        TASKS.labels(getattr(sender, "name", "?"), "success").inc()

    @signals.task_failure.connect(weak=False)
    def count_failure(sender=None, **_):
        TASKS.labels(getattr(sender, "name", "?"), "failure").inc()

    @signals.task_retry.connect(weak=False)
    def count_retry(sender=None, **_):
        TASKS.labels(getattr(sender, "name", "?"), "retry").inc()


class OutboxCollector:
    """Outbox gauges computed at scrape time from the database (not per process), so every scrape agrees."""

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        from .models import Delivery

        # Deliveries in backoff wait on purpose; lag is what should have run already.
        due = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__isnull=True)
        oldest = due.order_by("created_at").values_list("created_at", flat=True).first()
        yield GaugeMetricFamily("bss_outbox_lag_seconds", "Age of the oldest delivery not yet run (not in backoff)",
                                value=(time.time() - oldest.timestamp()) if oldest else 0)
        deliveries = GaugeMetricFamily("bss_deliveries", "Deliveries by state", labels=["state"])
        for state in (Delivery.State.PENDING, Delivery.State.DEAD):
            deliveries.add_metric([state], Delivery.objects.filter(state=state).count())
        yield deliveries


def metrics_view(request):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry  # single process (dev server, tests)
    db_registry = CollectorRegistry()
    db_registry.register(OutboxCollector())
    try:
        db_metrics = generate_latest(db_registry)
    except Exception:  # noqa: BLE001 - metrics must answer even when the database does not
        logger.warning("outbox gauges unavailable")
        db_metrics = b""
    body = generate_latest(registry) + db_metrics
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def health_live(request):
    return JsonResponse({"status": "live"})


def health_ready(request):
    from django.conf import settings

    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"database: {exc.__class__.__name__}")
    try:
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        problems.append(f"broker: {exc.__class__.__name__}")
    if problems:
        return JsonResponse({"code": "SERVICE_UNAVAILABLE", "reason": "Not ready", "message": "; ".join(problems),
                             "status": "503"}, status=503)
    return JsonResponse({"status": "ready", "database": "ok", "broker": "ok"})
