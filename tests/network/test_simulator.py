"""The network simulator: idempotent calls, fault injection, async completion, drift, the CLI."""
import json

import pytest
from django.core.management import CommandError, call_command

from apps.network.adapters import adapter_for
from apps.network.models import NetworkOperation, ObservedConfig
from apps.network.selectors import observed_config_read
from apps.network.services import (network_drift_inject, network_operation_complete, network_sim_async,
                                   network_sim_fail, network_sim_latency, network_sim_reset)
from bss.errors import ValidationFailed
from bss.models import OutboxEvent


@pytest.fixture
def ipam(db):
    network_sim_async(platform="ipam", enabled=False)
    return adapter_for("ipam")


def test_apply_allocates_and_records_what_the_platform_runs(ipam):
    result = ipam.apply(idempotency_key="job-1", service_id="svc-1", params={"ipv4_address": "$allocate",
                                                                            "routing": "static"})
    assert result.outcome == "done"
    address = result.response["applied"]["ipv4_address"]
    assert address.startswith("10.")
    assert ipam.read(service_id="svc-1") == {"config": {"ipv4_address": address, "routing": "static"},
                                             "status": "ok"}


def test_the_same_idempotency_key_never_configures_twice(ipam):
    first = ipam.apply(idempotency_key="job-1", service_id="svc-1", params={"routing": "static"})
    network_drift_inject(service_id="svc-1", kind="config")  # someone changes it by hand meanwhile
    again = ipam.apply(idempotency_key="job-1", service_id="svc-1", params={"routing": "static"})
    assert again == first
    assert NetworkOperation.objects.count() == 1
    assert observed_config_read(platform="ipam", service_id="svc-1")["config"] == {"routing": "static-manual"}


def test_a_new_key_is_one_insert_of_the_operation_as_it_ended(ipam):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ipam.apply(idempotency_key="warm", service_id="svc-0", params={"routing": "static"})  # the knobs, read once
    with CaptureQueriesContext(connection) as queries:
        result = ipam.apply(idempotency_key="job-1", service_id="svc-1", params={"routing": "static"})
    on_operations = [q["sql"].split()[0] for q in queries if '"network_networkoperation"' in q["sql"]]
    assert on_operations == ["INSERT"]
    operation = NetworkOperation.objects.get(idempotency_key="job-1")
    assert (operation.state, operation.response, result.response) == (
        "done", {"applied": {"routing": "static"}, "config": {"routing": "static"}}, operation.response)
    assert operation.completed_at is not None


def test_a_replay_rolls_back_the_change_its_first_try_made(ipam):
    first = ipam.apply(idempotency_key="job-1", service_id="svc-1", params={"routing": "static"})
    again = ipam.apply(idempotency_key="job-1", service_id="svc-1", params={"routing": "dynamic"})
    assert again == first
    assert NetworkOperation.objects.count() == 1
    assert observed_config_read(platform="ipam", service_id="svc-1")["config"] == {"routing": "static"}


def test_remove_takes_away_only_the_named_keys_then_the_whole_row(ipam):
    ipam.apply(idempotency_key="a", service_id="svc-1", params={"x": 1, "y": 2})
    ipam.remove(idempotency_key="b", service_id="svc-1", params={"keys": ["x"]})
    assert observed_config_read(platform="ipam", service_id="svc-1")["config"] == {"y": 2}
    ipam.remove(idempotency_key="c", service_id="svc-1", params={})
    assert observed_config_read(platform="ipam", service_id="svc-1") is None


def test_injected_errors_change_nothing_and_rejections_are_terminal(ipam):
    network_sim_fail(platform="ipam", rate=1.0, mode="error")
    result = ipam.apply(idempotency_key="a", service_id="svc-1", params={"x": 1})
    assert (result.outcome, result.transient, result.error) == ("error", True, "ipam: HTTP 503 service unavailable")
    network_sim_fail(platform="ipam", rate=0.0, mode="error")
    network_sim_fail(platform="ipam", rate=1.0, mode="reject")
    result = ipam.apply(idempotency_key="a", service_id="svc-1", params={"x": 1})
    assert (result.outcome, result.transient) == ("error", False)
    assert NetworkOperation.objects.count() == ObservedConfig.objects.count() == 0


def test_injected_timeouts_apply_but_do_not_answer(ipam):
    network_sim_fail(platform="ipam", rate=1.0, mode="timeout")
    result = ipam.apply(idempotency_key="a", service_id="svc-1", params={"x": 1})
    assert (result.outcome, result.maybe_applied) == ("error", True)
    assert observed_config_read(platform="ipam", service_id="svc-1")["config"] == {"x": 1}


def test_async_platforms_accept_then_complete_by_callback_with_an_event(db):
    network_sim_async(platform="mobile_core", enabled=True)
    core = adapter_for("mobile_core")
    result = core.apply(idempotency_key="j", service_id="svc-9", params={"sim_state": "active"})
    assert result.outcome == "pending"
    assert core.read(service_id="svc-9") is None
    assert network_operation_complete(operation_id=result.response["operation_id"]) is True
    assert network_operation_complete(operation_id=result.response["operation_id"]) is False
    assert core.read(service_id="svc-9")["config"] == {"sim_state": "active"}
    event = OutboxEvent.objects.get(event_type="NetworkOperationCompletedEvent")
    assert (event.payload["idempotency_key"], event.payload["outcome"]) == ("j", "done")
    assert core.apply(idempotency_key="j", service_id="svc-9", params={}).outcome == "done"


@pytest.mark.parametrize("kind, expected", [
    ("config", {"config": {"routing": "static-manual"}, "status": "ok"}),
    ("missing", None),
    ("degraded", {"config": {"routing": "static"}, "status": "degraded"}),
])
def test_drift_changes_the_network_and_announces_it(ipam, kind, expected):
    ipam.apply(idempotency_key="a", service_id="svc-1", params={"routing": "static"})
    network_drift_inject(service_id="svc-1", kind=kind)
    assert observed_config_read(platform="ipam", service_id="svc-1") == expected
    event = OutboxEvent.objects.get(event_type="NetworkChangeEvent")
    assert event.payload == {"service_id": "svc-1", "platform": "ipam", "kind": kind}


def test_orphan_drift_creates_what_nobody_ordered_and_unknown_services_are_refused(db):
    network_drift_inject(service_id="ghost", kind="orphan", platform="cpe_manager")
    assert observed_config_read(platform="cpe_manager", service_id="ghost")["config"] == {"origin": "manual"}
    with pytest.raises(ValidationFailed):
        network_drift_inject(service_id="nothing-here", kind="missing")
    with pytest.raises(ValidationFailed):
        network_drift_inject(service_id="ghost", kind="melted")
    assert OutboxEvent.objects.filter(event_type="NetworkChangeEvent").count() == 1


def test_cli_sets_knobs_shows_status_and_resets(db, capsys):
    call_command("network_sim", "fail", "cpe_manager", "--rate", "0.5", "--mode", "timeout")
    call_command("network_sim", "latency", "ipam", "25")
    capsys.readouterr()
    call_command("network_sim", "status")
    status = {row["platform"]: row for row in json.loads(capsys.readouterr().out)}
    assert (status["cpe_manager"]["timeout_rate"], status["ipam"]["latency_ms"]) == (0.5, 25)
    assert status["access_controller"]["async_completion"] is True
    call_command("network_sim", "reset")
    capsys.readouterr()
    call_command("network_sim", "status")
    status = {row["platform"]: row for row in json.loads(capsys.readouterr().out)}
    assert (status["cpe_manager"]["timeout_rate"], status["ipam"]["latency_ms"]) == (0.0, 0)
    with pytest.raises(CommandError):
        call_command("network_sim", "fail", "ipam", "--rate", "2")
    network_sim_latency(platform="ipam", milliseconds=0)
    network_sim_reset(clear_state=True)


def test_observed_configs_page_reads_one_platform_in_keyset_pages(db):
    from apps.network.models import ObservedConfig
    from apps.network.selectors import observed_configs_page

    for sid in ("s3", "s1", "s2", "s4"):
        ObservedConfig.objects.create(platform="ipam", service_id=sid, config={"ip": sid}, status="ok")
    ObservedConfig.objects.create(platform="cpe_manager", service_id="s2", config={}, status="ok")
    first = observed_configs_page(platform="ipam", limit=2)
    rest = observed_configs_page(platform="ipam", after=first[-1][0], upto="s3")
    assert first == [("s1", {"ip": "s1"}, "ok"), ("s2", {"ip": "s2"}, "ok")]
    assert rest == [("s3", {"ip": "s3"}, "ok")]


@pytest.mark.django_db(transaction=True)
def test_two_calls_with_one_key_at_once_make_one_operation():
    """The second call's INSERT waits on the first's uncommitted row, fails on the unique key once the first
    commits, and its retry finds that operation (no savepoint on the hot path, no second change)."""
    import threading
    import time

    import psycopg
    from django.db import connection

    network_sim_async(platform="ipam", enabled=False)
    first = psycopg.connect(**connection.get_connection_params())  # the other call, mid-transaction
    first.execute("INSERT INTO network_networkoperation (idempotency_key, platform, service_id, kind, params, state,"
                  " response, created_at) VALUES ('job-7', 'ipam', 'svc-7', 'apply', '{}', 'done',"
                  " '{\"applied\": {\"routing\": \"static\"}}', now())")
    answers = []
    second = threading.Thread(target=lambda: answers.append(adapter_for("ipam").apply(
        idempotency_key="job-7", service_id="svc-7", params={"routing": "static"})))
    second.start()
    time.sleep(0.5)
    assert answers == []  # waiting on the first call's row
    first.commit()
    first.close()
    second.join(10)

    assert [(a.outcome, a.response) for a in answers] == [("done", {"applied": {"routing": "static"}})]
    assert NetworkOperation.objects.filter(idempotency_key="job-7").count() == 1
    assert not ObservedConfig.objects.filter(service_id="svc-7").exists()  # the second call changed nothing
