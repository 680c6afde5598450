def test_live_answers_200(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "live"}


def test_ready_checks_database_and_broker(client, db):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "broker": "ok"}


def test_ready_is_503_tmf_error_when_broker_is_unreachable(client, db, settings):
    from bss.testing import assert_tmf_error

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    body = assert_tmf_error(client.get("/health/ready"), 503, "SERVICE_UNAVAILABLE")
    assert body["message"] == "broker: ConnectionError"


def test_unknown_route_is_tmf_404(client, db):
    from bss.testing import assert_tmf_error

    body = assert_tmf_error(client.get("/tmf-api/nope/v4/thing"), 404, "NOT_FOUND")
    assert body["message"] == "no route for /tmf-api/nope/v4/thing"


def test_correlation_id_is_echoed_or_made(client, db):
    given = client.get("/health/live", HTTP_X_CORRELATION_ID="abc-123")
    made = client.get("/health/live")
    assert given["X-Correlation-ID"] == "abc-123"
    assert len(made["X-Correlation-ID"]) == 32


def test_metrics_expose_requests_and_outbox_lag(client, db):
    client.get("/health/live")
    body = client.get("/metrics").content.decode()
    assert "bss_http_requests_total" in body
    assert "bss_outbox_lag_seconds 0.0" in body
