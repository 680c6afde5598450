"""Serving elements and their access ports: the capacity selector, reserve_port taking and freeing real ports,
refusals when full, the CLI, and activation end to end (capacity goes down as fibre services are built)."""
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.network.adapters import adapter_for
from apps.network.models import NetworkOperation, ObservedConfig, PortAllocation, ServingElement
from apps.network.selectors import serving_element_capacity
from apps.network.services import (network_operation_complete, network_sim_async, network_sim_reset,
                                   serving_element_capacity_set)
from bss.errors import ValidationFailed

OLT = "OLT-T-01"


def capacity(total, used, element=OLT):
    return {"element": element, "platform": "access_controller", "total_ports": total, "used_ports": used,
            "free_ports": total - used}


def reserve(olt, key, service_id, element=OLT):
    return olt.apply(idempotency_key=key, service_id=service_id,
                     params={"access_port": "$allocate", "serving_element": element})


@pytest.fixture
def olt(db):
    """The access controller answering at once, with one element of 2 ports."""
    network_sim_async(platform="access_controller", enabled=False)
    serving_element_capacity_set(element=OLT, total_ports=2)
    return adapter_for("access_controller")


def test_capacity_counts_ports_in_use_and_unknown_elements_are_none(olt):
    assert serving_element_capacity(element=OLT) == capacity(2, 0)
    reserve(olt, "j1", "svc-1")
    assert serving_element_capacity(element=OLT) == capacity(2, 1)
    reserve(olt, "j2", "svc-2")
    assert serving_element_capacity(element=OLT) == capacity(2, 2)
    assert serving_element_capacity(element="OLT-NOWHERE") is None
    assert serving_element_capacity(element=OLT, platform="ipam") is None  # the simulator's ipam has no elements


def test_reserve_port_takes_the_lowest_free_port_and_a_replay_takes_nothing(olt):
    first = reserve(olt, "j1", "svc-1")
    assert (first.outcome, first.response["applied"]) == ("done", {"access_port": "OLT-T-01/1",
                                                                   "serving_element": OLT})
    assert olt.read(service_id="svc-1") == {"config": {"access_port": "OLT-T-01/1", "serving_element": OLT},
                                            "status": "ok"}
    assert reserve(olt, "j1", "svc-1") == first
    assert reserve(olt, "j2", "svc-2").response["applied"]["access_port"] == "OLT-T-01/2"
    assert list(PortAllocation.objects.values_list("service_id", "port")) == [("svc-1", 1), ("svc-2", 2)]
    assert NetworkOperation.objects.count() == 2


def test_removing_the_port_frees_it_for_the_next_service(olt):
    reserve(olt, "j1", "svc-1")
    reserve(olt, "j2", "svc-2")
    # Compensation removes the step's keys; termination removes everything: both give the port back.
    olt.remove(idempotency_key="u1", service_id="svc-1", params={"keys": ["access_port", "serving_element"]})
    assert serving_element_capacity(element=OLT) == capacity(2, 1)
    assert reserve(olt, "j3", "svc-3").response["applied"]["access_port"] == "OLT-T-01/1"
    olt.remove(idempotency_key="u2", service_id="svc-2", params={})
    olt.remove(idempotency_key="u2", service_id="svc-2", params={})  # a replay frees nothing more
    assert serving_element_capacity(element=OLT) == capacity(2, 1)
    assert list(PortAllocation.objects.values_list("service_id", "port")) == [("svc-3", 1)]


def test_removing_other_settings_keeps_the_port(olt):
    reserve(olt, "j1", "svc-1")
    olt.apply(idempotency_key="j1b", service_id="svc-1", params={"vlan_id": "$allocate"})
    olt.remove(idempotency_key="u1", service_id="svc-1", params={"keys": ["vlan_id"]})
    assert serving_element_capacity(element=OLT) == capacity(2, 1)


def test_a_full_element_refuses_terminally_and_nothing_changes(olt):
    reserve(olt, "j1", "svc-1")
    reserve(olt, "j2", "svc-2")
    result = reserve(olt, "j3", "svc-3")
    assert (result.outcome, result.transient, result.maybe_applied, result.error, result.response) == (
        "error", False, False, "access_controller: no free port at OLT-T-01 (all 2 in use)", {"status": 409})
    assert serving_element_capacity(element=OLT) == capacity(2, 2)
    assert NetworkOperation.objects.filter(idempotency_key="j3").count() == 0
    assert olt.read(service_id="svc-3") is None
    assert list(PortAllocation.objects.values_list("service_id", "port")) == [("svc-1", 1), ("svc-2", 2)]
    # Nothing was recorded, so the same call succeeds once a port is free.
    olt.remove(idempotency_key="u1", service_id="svc-2", params={})
    assert reserve(olt, "j3", "svc-3").response["applied"]["access_port"] == "OLT-T-01/2"


def test_an_unknown_element_is_refused_and_no_element_means_no_port_table(olt):
    result = reserve(olt, "j1", "svc-1", element="OLT-NOWHERE")
    assert (result.outcome, result.transient, result.error) == (
        "error", False, "access_controller: unknown serving element OLT-NOWHERE")
    assert NetworkOperation.objects.count() == PortAllocation.objects.count() == ObservedConfig.objects.count() == 0
    # An order that names no element gets a made-up port, as before, and holds no capacity.
    result = olt.apply(idempotency_key="j2", service_id="svc-2", params={"access_port": "$allocate"})
    assert result.response["applied"]["access_port"].startswith("olt")
    assert PortAllocation.objects.count() == 0


def test_an_async_reservation_counts_from_acceptance(db):
    serving_element_capacity_set(element=OLT, total_ports=1)
    olt = adapter_for("access_controller")  # asynchronous by default
    accepted = reserve(olt, "j1", "svc-1")
    assert accepted.outcome == "pending"
    assert serving_element_capacity(element=OLT) == capacity(1, 1)
    assert reserve(olt, "j2", "svc-2").error == "access_controller: no free port at OLT-T-01 (all 1 in use)"
    assert network_operation_complete(operation_id=accepted.response["operation_id"]) is True
    assert olt.read(service_id="svc-1")["config"] == {"access_port": "OLT-T-01/1", "serving_element": OLT}


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_at_one_element_never_share_or_overbook_a_port():
    network_sim_async(platform="access_controller", enabled=False)
    serving_element_capacity_set(element=OLT, total_ports=2)
    barrier = threading.Barrier(3)
    outcomes = []

    def take(number):
        try:
            barrier.wait()
            result = reserve(adapter_for("access_controller"), f"j{number}", f"svc-{number}")
            outcomes.append((result.outcome, result.error))
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(number,)) for number in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [("done", ""), ("done", ""),
                                ("error", "access_controller: no free port at OLT-T-01 (all 2 in use)")]
    assert sorted(PortAllocation.objects.values_list("port", flat=True)) == [1, 2]
    assert serving_element_capacity(element=OLT) == capacity(2, 2)
    assert NetworkOperation.objects.count() == 2


def test_a_service_holds_one_port_at_one_element(olt):
    serving_element_capacity_set(element="OLT-T-02", total_ports=2)
    reserve(olt, "j1", "svc-1")
    result = reserve(olt, "j2", "svc-1", element="OLT-T-02")
    assert (result.outcome, result.transient, result.error) == (
        "error", False, "access_controller: service svc-1 already holds port OLT-T-01/1")
    assert reserve(olt, "j3", "svc-1").response["applied"]["access_port"] == "OLT-T-01/1"  # a repair: same port
    assert serving_element_capacity(element="OLT-T-02") == capacity(2, 0, element="OLT-T-02")
    assert serving_element_capacity(element=OLT) == capacity(2, 1)


def test_resizing_never_cuts_away_ports_in_use(olt):
    reserve(olt, "j1", "svc-1")
    reserve(olt, "j2", "svc-2")
    olt.remove(idempotency_key="u1", service_id="svc-1", params={})
    with pytest.raises(ValidationFailed) as refused:
        serving_element_capacity_set(element=OLT, total_ports=1)
    assert refused.value.message == "OLT-T-01: port 2 is in use, so it cannot shrink to 1 ports"
    with pytest.raises(ValidationFailed):
        serving_element_capacity_set(element=OLT, total_ports=-1)
    with pytest.raises(ValidationFailed):
        serving_element_capacity_set(element=OLT, total_ports=4, platform="ipam")
    with pytest.raises(ValidationFailed):
        serving_element_capacity_set(element=" ", total_ports=4)
    assert list(ServingElement.objects.values_list("code", "platform", "total_ports")) == [
        (OLT, "access_controller", 2)]
    assert serving_element_capacity_set(element=OLT, total_ports=2).total_ports == 2
    assert serving_element_capacity_set(element=OLT, total_ports=8).total_ports == 8
    assert serving_element_capacity(element=OLT) == capacity(8, 1)


def test_reset_with_clear_state_frees_every_port_but_keeps_the_elements(olt):
    reserve(olt, "j1", "svc-1")
    network_sim_reset()
    assert serving_element_capacity(element=OLT) == capacity(2, 1)
    network_sim_reset(clear_state=True)
    assert serving_element_capacity(element=OLT) == capacity(2, 0)


def test_cli_sizes_an_element_and_status_shows_its_ports(db, capsys):
    call_command("network_sim", "capacity", "OLT-CLI-01", "--ports", "4")
    status = {row["platform"]: row for row in json.loads(capsys.readouterr().out)}
    assert status["access_controller"]["serving_elements"] == [capacity(4, 0, element="OLT-CLI-01")]
    assert status["ipam"]["serving_elements"] == []
    network_sim_async(platform="access_controller", enabled=False)
    reserve(adapter_for("access_controller"), "j1", "svc-1", element="OLT-CLI-01")
    call_command("network_sim", "capacity", "OLT-CLI-01", "--ports", "1")
    capsys.readouterr()
    call_command("network_sim", "status")
    status = {row["platform"]: row for row in json.loads(capsys.readouterr().out)}
    assert status["access_controller"]["serving_elements"] == [capacity(1, 1, element="OLT-CLI-01")]
    with pytest.raises(CommandError, match="OLT-CLI-01: port 1 is in use, so it cannot shrink to 0 ports"):
        call_command("network_sim", "capacity", "OLT-CLI-01", "--ports", "0")
    assert serving_element_capacity(element="OLT-CLI-01") == capacity(1, 1, element="OLT-CLI-01")


# --- activation end to end: fibre orders that name their serving element -------------------------------------

def fibre_order(external_id, **characteristics):
    from apps.service_ordering.services import service_order_submit
    from tests.service_ordering.activation import item

    return service_order_submit(external_id=external_id, requester="com", items=[
        item("fibre", "fibre_access", {"downloadSpeed": 1000, "serving_element": OLT, **characteristics})])


@pytest.fixture
def activation(db):
    from tests.service_ordering.activation import cache_specs

    cache_specs()
    serving_element_capacity_set(element=OLT, total_ports=1)


def test_activation_takes_the_port_a_full_element_fails_the_order_and_termination_frees_it(activation):
    from apps.fallout.models import FalloutCase
    from apps.service_inventory.selectors import service_get
    from apps.service_ordering.models import ActivationJob, ServiceOrder
    from apps.service_ordering.services import service_order_submit
    from tests.service_ordering.activation import drive, item

    built = fibre_order("so-1")
    drive()
    built = ServiceOrder.objects.get(pk=built.pk)
    service_id = built.items.get().service_id
    assert built.state == "completed"
    assert serving_element_capacity(element=OLT) == capacity(1, 1)
    service = service_get(service_id=service_id)
    assert (service.characteristics["access_port"], service.characteristics["serving_element"]) == (
        "OLT-T-01/1", OLT)
    assert service.supporting_resources[0] == {"id": "OLT-T-01/1", "name": "reserve_port", "type": "AccessPort"}

    refused = fibre_order("so-2")
    drive()
    refused = ServiceOrder.objects.get(pk=refused.pk)
    assert (refused.state, refused.items.get().state) == ("failed", "failed")
    job = ActivationJob.objects.get(item__order=refused, step="reserve_port")
    assert (job.state, job.attempts, job.last_error) == (
        "failed", 1, "access_controller: no free port at OLT-T-01 (all 1 in use)")
    assert FalloutCase.objects.filter(kind="stepFailed").count() == 1
    assert serving_element_capacity(element=OLT) == capacity(1, 1)
    assert list(PortAllocation.objects.values_list("service_id", flat=True)) == [service_id]

    terminated = service_order_submit(external_id="so-3", requester="com", items=[
        item("fibre", "fibre_access", action="delete", service_id=service_id)])
    drive()
    assert ServiceOrder.objects.get(pk=terminated.pk).state == "completed"
    assert serving_element_capacity(element=OLT) == capacity(1, 0)


def test_the_console_simulator_page_shows_each_elements_ports(olt):
    from django.test import Client

    from tests.console.conftest import staff_user

    reserve(olt, "j1", "svc-1")
    client = Client()
    client.force_login(staff_user("olga", "operator"))
    page = client.get("/console/network/").content.decode()
    assert ('<tr data-element="OLT-T-01"><td>OLT-T-01</td><td>access_controller</td><td>2</td><td>1</td><td>1</td></tr>'
            in page)


def test_compensation_after_a_later_step_fails_gives_the_port_back(activation):
    from apps.network.services import network_sim_fail
    from apps.service_ordering.models import ActivationJob, ServiceOrder
    from apps.service_ordering.services import activation_job_run, service_order_start
    from tests.service_ordering.activation import drive

    network_sim_async(platform="access_controller", enabled=False)
    order = fibre_order("so-1")
    service_order_start(service_order_id=order.pk)
    activation_job_run(job_id=ActivationJob.objects.get(step="reserve_port").pk)
    assert serving_element_capacity(element=OLT) == capacity(1, 1)
    network_sim_fail(platform="access_controller", rate=1.0, mode="reject")
    assert activation_job_run(job_id=ActivationJob.objects.get(step="configure_olt").pk) == "failed"
    network_sim_fail(platform="access_controller", rate=0.0, mode="reject")
    drive()
    assert ServiceOrder.objects.get(pk=order.pk).state == "failed"
    undo = ActivationJob.objects.get(step="undo_reserve_port")
    assert (undo.state, undo.params) == ("done", {"keys": ["access_port", "serving_element"]})
    assert serving_element_capacity(element=OLT) == capacity(1, 0)
    assert PortAllocation.objects.count() == 0
