"""Service view, drift list, simulator controls: read through selectors, act through services."""
from apps.network.selectors import simulator_status
from apps.network.services import network_drift_inject
from apps.reconciliation.services import reconcile_service
from bss.models import TransitionLog
from tests.reconciliation.conftest import IP_CONFIG, active_service


def test_service_page_shows_inventory_beside_the_network_and_marks_differences(operator_client):
    service = active_service()
    network_drift_inject(service_id=str(service.pk), kind="config")
    reconcile_service(service_id=str(service.pk))

    response = operator_client.get(f"/console/services/{service.pk}/")

    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows == [
        {"name": "ipv4_address", "recorded": IP_CONFIG["ipv4_address"], "observed": "10.1.2.3-manual",
         "differs": True},
        {"name": "routing", "recorded": "static", "observed": "static", "differs": False}]
    assert [drift.kind for drift in response.context["drifts"]] == ["config"]
    assert '<tr class="diff"><td>ipv4_address</td>' in response.content.decode()


def test_service_page_of_an_orphan_shows_what_the_network_runs(operator_client):
    network_drift_inject(service_id="ghost-c", kind="orphan", platform="ipam")

    response = operator_client.get("/console/services/ghost-c/")

    assert response.status_code == 200
    assert response.context["rows"] == [{"name": "origin", "recorded": "—", "observed": "manual", "differs": True}]
    assert "unknown to TMF638" in response.content.decode()


def test_unknown_service_is_404(operator_client):
    assert operator_client.get("/console/services/nobody/").status_code == 404


def test_drift_list_filters_by_kind(operator_client):
    service = active_service()
    network_drift_inject(service_id=str(service.pk), kind="missing")
    reconcile_service(service_id=str(service.pk))
    network_drift_inject(service_id="ghost-d", kind="orphan", platform="ipam")
    reconcile_service(service_id="ghost-d")

    page = operator_client.get("/console/drift/?kind=orphan").context["page"]

    assert [(drift.service_id, drift.kind) for drift in page] == [("ghost-d", "orphan")]


def test_operator_sets_and_clears_a_simulator_fault(operator_client):
    failed = operator_client.post("/console/network/fail", {"platform": "ipam", "mode": "reject", "rate": "1"})
    faulty = next(p for p in simulator_status() if p["platform"] == "ipam")
    reset = operator_client.post("/console/network/reset", {})
    healthy = next(p for p in simulator_status() if p["platform"] == "ipam")

    assert (failed.status_code, reset.status_code) == (302, 302)
    assert (faulty["reject_rate"], healthy["reject_rate"]) == (1.0, 0.0)


def test_bad_simulator_input_is_refused_with_400_and_changes_nothing(operator_client):
    response = operator_client.post("/console/network/fail", {"platform": "ipam", "mode": "error", "rate": "lots"})

    assert response.status_code == 400
    assert next(p for p in simulator_status() if p["platform"] == "ipam")["error_rate"] == 0.0


def test_operator_injects_drift_from_the_console(operator_client):
    service = active_service()

    response = operator_client.post("/console/network/drift", {"service_id": str(service.pk), "kind": "degraded"})

    assert response.status_code == 302
    from apps.network.selectors import observed_config_read

    assert observed_config_read(platform="ipam", service_id=str(service.pk))["status"] == "degraded"


def test_viewer_cannot_touch_the_simulator(viewer_client):
    response = viewer_client.post("/console/network/fail", {"platform": "ipam", "mode": "error", "rate": "1"})

    assert response.status_code == 403
    assert next(p for p in simulator_status() if p["platform"] == "ipam")["error_rate"] == 0.0
    assert TransitionLog.objects.count() == 0


def test_simulator_controls_are_on_in_test_settings_and_linked(operator_client):
    assert operator_client.get("/console/network/").status_code == 200
    assert 'href="/console/network/"' in operator_client.get("/console/").content.decode()


def test_without_simulator_controls_the_page_and_its_actions_are_404_and_change_nothing(operator_client, settings):
    settings.BSS_SIMULATOR_CONTROLS = False

    page = operator_client.get("/console/network/")
    failed = operator_client.post("/console/network/fail", {"platform": "ipam", "mode": "error", "rate": "1"})
    dashboard = operator_client.get("/console/").content.decode()

    assert (page.status_code, failed.status_code) == (404, 404)
    assert next(p for p in simulator_status() if p["platform"] == "ipam")["error_rate"] == 0.0
    assert 'href="/console/network/"' not in dashboard


def test_production_settings_turn_the_simulator_controls_off(monkeypatch):
    import importlib

    monkeypatch.setenv("DJANGO_SECRET_KEY", "k3y-" + "0123456789abcdefghij" * 3)
    monkeypatch.setenv("ALLOWED_HOSTS", "bss.example")
    monkeypatch.delenv("BSS_SIMULATOR_CONTROLS", raising=False)
    import config.settings.local as local
    import config.settings.production as production

    assert (importlib.reload(production).BSS_SIMULATOR_CONTROLS, importlib.reload(local).BSS_SIMULATOR_CONTROLS) == (
        False, True)
