"""Activation services: intake, retries, failures, compensation, cancellation, operator actions."""
import pytest

from apps.network.models import NetworkOperation, ObservedConfig
from apps.network.selectors import observed_configs_for_service
from apps.network.services import network_sim_async, network_sim_fail
from apps.service_inventory.selectors import service_get
from apps.service_ordering.models import ActivationJob, CancelServiceOrder, ServiceOrder, ServiceOrderItem
from apps.service_ordering.services import (activation_sweep, service_order_cancel, service_order_item_compensate,
                                            service_order_item_redrive, service_order_item_skip_step,
                                            service_order_submit)
from bss.errors import IllegalTransition, NotFound, ValidationFailed
from bss.models import OutboxEvent

from .activation import THREE_ITEMS, drive, item


def reload(order):
    return ServiceOrder.objects.get(pk=order.pk)


def item_states(order):
    return {i.key: i.state for i in ServiceOrderItem.objects.filter(order=order)}


def events_of(event_type):
    return list(OutboxEvent.objects.filter(event_type=event_type).order_by("created_at"))


# --- intake --------------------------------------------------------------------------------------------

def test_submit_is_idempotent_by_external_id(specs):
    first = service_order_submit(external_id="idem-1", requester="com", items=THREE_ITEMS)
    again = service_order_submit(external_id="idem-1", requester="com", items=THREE_ITEMS[:1])
    assert again.pk == first.pk
    assert ServiceOrder.objects.count() == 1
    assert ServiceOrderItem.objects.count() == 3
    assert len(events_of("ServiceOrderCreateEvent")) == 1


@pytest.mark.parametrize("items, reference", [
    ([], "serviceOrderItem"),
    ([{"action": "add", "service_spec_id": "s"}], "serviceOrderItem.id"),
    ([item("a", "ip_address"), item("a", "ip_address")], "serviceOrderItem.id"),
    ([{**item("a", "ip_address"), "action": "replace"}], "serviceOrderItem[a].action"),
    ([{**item("a", "ip_address"), "service_spec_id": ""}], "serviceOrderItem[a].service.serviceSpecification"),
    ([item("a", "ip_address", action="modify")], "serviceOrderItem[a].service.id"),
    ([item("a", "ip_address", relies_on=["zz"])], "serviceOrderItem[a].serviceOrderItemRelationship"),
    ([item("a", "ip_address", relies_on=["a"])], "serviceOrderItem[a].serviceOrderItemRelationship"),
])
def test_invalid_orders_are_refused_and_nothing_is_written(specs, items, reference):
    with pytest.raises(ValidationFailed) as refused:
        service_order_submit(external_id="bad", requester="com", items=items)
    assert refused.value.reference_error == reference
    assert ServiceOrder.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


# --- events for COM -------------------------------------------------------------------------------------

def test_events_carry_the_contract_payloads(specs, healthy_network):
    order = service_order_submit(external_id="ev-1", requester="com", items=THREE_ITEMS[:1])
    drive()
    service_id = ServiceOrderItem.objects.get(order=order).service_id
    last = events_of("ServiceOrderStateChangeEvent")[-1]
    assert last.payload == {"service_order_id": str(order.pk), "external_id": "ev-1", "state": "completed",
                            "items": [{"key": "fibre", "state": "completed", "service_id": service_id,
                                       "error": None, "fallout": False, "redriven": False}]}
    [stable] = events_of("ServiceOrderItemStateChangeEvent")
    assert stable.payload == {"service_order_id": str(order.pk), "external_id": "ev-1", "key": "fibre",
                              "state": "completed", "service_id": service_id, "error": None,
                              "fallout": False, "redriven": False}
    service_states = [e.payload["state"] for e in events_of("ServiceStateChangeEvent")]
    assert service_states == ["reserved", "inactive", "active"]
    assert events_of("ServiceCreateEvent")[0].payload == {"service_id": service_id, "state": "designed",
                                                          "operating_status": "ok", "spec_id": "spec-fibre_access",
                                                          "family": "fibre_access"}


# --- dependencies ---------------------------------------------------------------------------------------

def test_items_wait_for_what_they_rely_on_and_fail_when_it_fails(specs, healthy_network):
    network_sim_fail(platform="access_controller", rate=1.0, mode="reject")
    order = service_order_submit(external_id="dep-1", requester="com", items=THREE_ITEMS)
    drive()
    assert item_states(order) == {"fibre": "failed", "ip": "failed", "cpe": "failed"}
    assert reload(order).state == "failed"
    ip = ServiceOrderItem.objects.get(order=order, key="ip")
    assert ip.error == "relies on fibre, which did not complete"
    assert ActivationJob.objects.filter(item=ip).count() == 0


# --- retries and failures -------------------------------------------------------------------------------

def test_transient_errors_retry_with_the_count_on_the_row_then_succeed(specs, healthy_network):
    network_sim_fail(platform="ipam", rate=1.0, mode="error")
    order = service_order_submit(external_id="retry-1", requester="com", items=[item("ip", "ip_address")])
    from apps.service_ordering.services import activation_job_run, service_order_start

    service_order_start(service_order_id=order.pk)
    job = ActivationJob.objects.get()
    for _ in range(2):
        activation_job_run(job_id=job.pk)
    job = ActivationJob.objects.get()
    assert (job.state, job.attempts, job.last_error) == ("pending", 2, "ipam: HTTP 503 service unavailable")
    assert job.next_attempt_at is not None
    assert len(events_of("ServiceOrderJeopardyEvent")) == 1
    network_sim_fail(platform="ipam", rate=0.0, mode="error")
    drive()
    assert reload(order).state == "completed"
    assert ActivationJob.objects.get(step="allocate_ip").attempts == 3


def test_terminal_error_fails_at_once_with_full_fallout_context(specs, healthy_network):
    network_sim_fail(platform="ipam", rate=1.0, mode="reject")
    order = service_order_submit(external_id="term-1", requester="com", items=[item("ip", "ip_address")])
    drive()
    job = ActivationJob.objects.get()
    assert (job.state, job.attempts) == ("failed", 1)
    [fallout] = events_of("FalloutRequested")
    assert fallout.payload == {
        "source": "activation", "kind": "stepFailed",
        "summary": "do step allocate_ip on ipam failed after 1 attempt(s): ipam: HTTP 422 request refused",
        "context": {"step": "allocate_ip", "phase": "do", "platform": "ipam", "attempts": 1,
                    "last_error": "ipam: HTTP 422 request refused", "request": {"ipv4_address": "$allocate"},
                    "response": {"outcome": "error", "response": {"status": 422},
                                 "error": "ipam: HTTP 422 request refused", "maybe_applied": False},
                    "external_id": "term-1"},
        "product_order_id": "", "service_order_id": str(order.pk), "item_key": "ip", "job_id": str(job.pk),
        "service_id": ServiceOrderItem.objects.get().service_id}
    # COM hears that this failure went to an operator (it holds the product order instead of ending it).
    [failed] = events_of("ServiceOrderItemStateChangeEvent")
    assert (failed.payload["state"], failed.payload["fallout"]) == ("failed", True)
    assert events_of("ServiceOrderStateChangeEvent")[-1].payload["items"] == [
        {"key": "ip", "state": "failed", "service_id": failed.payload["service_id"],
         "error": "ipam: HTTP 422 request refused", "fallout": True, "redriven": False}]


def test_an_item_failed_because_what_it_relies_on_failed_is_not_in_fallout(specs, healthy_network):
    network_sim_fail(platform="ipam", rate=1.0, mode="reject")
    order = service_order_submit(external_id="term-2", requester="com",
                                 items=[item("ip", "ip_address"), item("ip2", "ip_address", relies_on=["ip"])])
    drive()
    assert item_states(order) == {"ip": "failed", "ip2": "failed"}
    fallout = {e.payload["key"]: e.payload["fallout"] for e in events_of("ServiceOrderItemStateChangeEvent")}
    assert fallout == {"ip": True, "ip2": False}
    assert [e.payload["item_key"] for e in events_of("FalloutRequested")] == ["ip"]


def test_a_failed_step_rolls_back_the_finished_ones(specs, healthy_network):
    order = service_order_submit(external_id="rb-1", requester="com", items=[item("ip", "ip_address")])
    from apps.service_ordering.services import activation_job_run, service_order_start

    service_order_start(service_order_id=order.pk)
    activation_job_run(job_id=ActivationJob.objects.get().pk)  # allocate_ip done
    ip = ServiceOrderItem.objects.get()
    assert service_get(service_id=ip.service_id).state == "reserved"
    network_sim_fail(platform="ipam", rate=1.0, mode="reject")
    activation_job_run(job_id=ActivationJob.objects.get(step="configure_routing").pk)  # refused: roll back
    assert ServiceOrderItem.objects.get().state == "compensating"
    network_sim_fail(platform="ipam", rate=0.0, mode="reject")
    drive()
    steps = list(ActivationJob.objects.order_by("id").values_list("phase", "step", "state"))
    assert steps == [("do", "allocate_ip", "done"), ("do", "configure_routing", "failed"),
                     ("undo", "undo_allocate_ip", "done")]
    assert (ServiceOrderItem.objects.get().state, reload(order).state) == ("failed", "failed")
    assert observed_configs_for_service(service_id=ip.service_id) == {}
    assert service_get(service_id=ip.service_id).state == "terminated"


def test_timeouts_apply_the_change_once_however_often_the_step_is_retried(specs, healthy_network):
    network_sim_fail(platform="ipam", rate=1.0, mode="timeout")
    order = service_order_submit(external_id="to-1", requester="com", items=[item("ip", "ip_address")])
    drive()
    ip = ServiceOrderItem.objects.get()
    do_job = ActivationJob.objects.get(step="allocate_ip")
    assert (do_job.state, do_job.attempts) == ("failed", 5)
    assert NetworkOperation.objects.filter(idempotency_key=str(do_job.pk)).count() == 1
    # The unanswered step may have been applied, so it is undone; the removal goes through (the platform
    # applies, then stays silent), but activation cannot confirm it: the case names the service to check.
    undo_job = ActivationJob.objects.get(step="undo_allocate_ip")
    assert (undo_job.state, undo_job.params) == ("failed", {"keys": ["ipv4_address"]})
    assert ip.state == "failed"
    kinds = [(e.payload["kind"], e.payload["context"]["phase"]) for e in events_of("FalloutRequested")]
    assert kinds == [("stepExhausted", "do"), ("stepExhausted", "undo")]
    assert events_of("FalloutRequested")[-1].payload["service_id"] == ip.service_id
    assert ObservedConfig.objects.filter(service_id=ip.service_id).count() == 0
    assert NetworkOperation.objects.filter(service_id=ip.service_id).count() == 2


def test_silent_platform_times_out_into_a_retry_and_the_late_callback_completes(specs, healthy_network):
    network_sim_async(platform="ipam", enabled=True)
    order = service_order_submit(external_id="ext-1", requester="com", items=[item("ip", "ip_address")])
    from apps.service_ordering.services import activation_job_run, service_order_start

    service_order_start(service_order_id=order.pk)
    job = ActivationJob.objects.get()
    activation_job_run(job_id=job.pk)
    job = ActivationJob.objects.get()
    assert job.state == "pendingExternal"
    assert ServiceOrderItem.objects.get().state == "pendingExternal"
    assert reload(order).state == "inProgress"
    ActivationJob.objects.filter(pk=job.pk).update(deadline_at=job.created_at)  # the deadline has passed
    assert activation_sweep()["timed_out"] == 1
    job = ActivationJob.objects.get()
    assert (job.state, job.last_error) == ("pending", "no callback before the deadline")
    assert ServiceOrderItem.objects.get().state == "inProgress"
    drive()
    assert reload(order).state == "completed"
    assert NetworkOperation.objects.count() == 2  # one per step, the retried one included


def test_a_callback_finds_and_locks_its_order_in_one_read_and_answers_unknown_jobs(specs, healthy_network):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.service_ordering.services import activation_external_result, activation_job_run, service_order_start

    network_sim_async(platform="ipam", enabled=True)
    order = service_order_submit(external_id="cb-1", requester="com", items=[item("ip", "ip_address")])
    service_order_start(service_order_id=order.pk)
    job = ActivationJob.objects.get()
    activation_job_run(job_id=job.pk)
    before = list(ActivationJob.objects.values_list("pk", "state"))
    assert activation_external_result(idempotency_key=str(job.pk + 1000), response={}) == "unknown"
    assert list(ActivationJob.objects.values_list("pk", "state")) == before
    with CaptureQueriesContext(connection) as queries:
        assert activation_external_result(idempotency_key=str(job.pk), response={"applied": {}}) == "done"
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "set_config" not in q["sql"]]
    assert reads[0].startswith('SELECT "service_ordering_serviceorder"."id"')
    assert reads[0].endswith('FOR UPDATE OF "service_ordering_serviceorder"')
    assert not any(read.startswith('SELECT "service_ordering_activationjob"."item_id"') for read in reads)
    assert ActivationJob.objects.get(pk=job.pk).state == "done"


# --- cancellation and compensation ----------------------------------------------------------------------

def test_cancel_before_start_cancels_every_item_and_finishes_the_task(specs, healthy_network):
    order = service_order_submit(external_id="cx-1", requester="com", items=THREE_ITEMS)
    service_order_cancel(service_order_id=order.pk, reason="customer changed mind")
    drive()
    assert reload(order).state == "cancelled"
    assert set(item_states(order).values()) == {"cancelled"}
    task = CancelServiceOrder.objects.get()
    assert (task.state, task.reason) == ("done", "customer changed mind")
    assert NetworkOperation.objects.count() == 0


def test_cancel_midway_compensates_what_was_built(specs, healthy_network):
    order = service_order_submit(external_id="cx-2", requester="com", items=THREE_ITEMS)
    from apps.service_ordering.services import activation_job_run, service_order_start

    service_order_start(service_order_id=order.pk)
    activation_job_run(job_id=ActivationJob.objects.get().pk)  # fibre: reserve_port done
    service_order_cancel(service_order_id=order.pk, reason="stop")
    drive()
    assert reload(order).state == "cancelled"
    assert item_states(order) == {"fibre": "cancelled", "ip": "cancelled", "cpe": "cancelled"}
    fibre = ServiceOrderItem.objects.get(key="fibre")
    assert observed_configs_for_service(service_id=fibre.service_id) == {}
    assert service_get(service_id=fibre.service_id).state == "terminated"
    assert CancelServiceOrder.objects.get().state == "done"


def test_cancelling_an_ended_order_is_refused_and_changes_nothing(specs, healthy_network):
    order = service_order_submit(external_id="cx-3", requester="com", items=THREE_ITEMS[:1])
    drive()
    before = OutboxEvent.objects.count()
    with pytest.raises(IllegalTransition):
        service_order_cancel(service_order_id=order.pk, reason="too late")
    assert reload(order).state == "completed"
    assert CancelServiceOrder.objects.count() == 0
    assert OutboxEvent.objects.count() == before


def test_com_compensates_a_completed_item(specs, healthy_network):
    order = service_order_submit(external_id="comp-1", requester="com", items=THREE_ITEMS)
    drive()
    service_order_item_compensate(service_order_id=order.pk, item_key="cpe", reason="bundle rolled back")
    drive()
    cpe = ServiceOrderItem.objects.get(key="cpe")
    assert (cpe.state, reload(order).state) == ("cancelled", "partial")
    assert observed_configs_for_service(service_id=cpe.service_id) == {}
    assert service_get(service_id=cpe.service_id).state == "terminated"
    with pytest.raises(IllegalTransition):
        service_order_item_compensate(service_order_id=order.pk, item_key="cpe", reason="again")
    with pytest.raises(NotFound):
        service_order_item_compensate(service_order_id=order.pk, item_key="nope", reason="")


# --- operator actions -----------------------------------------------------------------------------------

def test_redrive_runs_a_failed_item_again_with_fresh_jobs(specs, healthy_network):
    network_sim_fail(platform="cpe_manager", rate=1.0, mode="reject")
    order = service_order_submit(external_id="rd-1", requester="com", items=THREE_ITEMS)
    drive()
    assert reload(order).state == "partial"
    network_sim_fail(platform="cpe_manager", rate=0.0, mode="reject")
    service_order_item_redrive(service_order_id=order.pk, item_key="cpe", reason="platform fixed")
    drive()
    assert reload(order).state == "completed"
    cpe = ServiceOrderItem.objects.get(key="cpe")
    assert (cpe.state, cpe.run, cpe.redrives) == ("completed", 2, 1)
    assert events_of("ServiceOrderItemStateChangeEvent")[-1].payload["redriven"] is True
    assert service_get(service_id=cpe.service_id).state == "active"
    assert [e.payload["state"] for e in events_of("ServiceCreateEvent")].count("designed") == 4
    with pytest.raises(IllegalTransition):
        service_order_item_redrive(service_order_id=order.pk, item_key="cpe", reason="")


def test_skip_step_is_refused_once_the_item_was_rolled_back(specs, healthy_network):
    network_sim_fail(platform="cpe_manager", rate=1.0, mode="reject")
    order = service_order_submit(external_id="sk-1", requester="com", items=THREE_ITEMS)
    drive()
    # register_cpe failed first: nothing was finished, so nothing was rolled back and the step can be skipped.
    service_order_item_skip_step(service_order_id=order.pk, item_key="cpe", reason="done by hand")
    network_sim_fail(platform="cpe_manager", rate=0.0, mode="reject")
    drive()
    assert reload(order).state == "completed"
    assert ActivationJob.objects.get(step="register_cpe").response == {"skipped_by": "operator"}
    cpe = ServiceOrderItem.objects.get(key="cpe")
    assert (cpe.run, cpe.redrives) == (1, 1)
    assert events_of("ServiceOrderItemStateChangeEvent")[-1].payload["redriven"] is True


# --- changing and removing what runs --------------------------------------------------------------------

def test_modify_reapplies_configuration_and_delete_removes_the_service(specs, healthy_network):
    built = service_order_submit(external_id="life-1", requester="com",
                                 items=[item("cpe", "managed_cpe", {"cpeModel": "A", "wifi": True})])
    drive()
    service_id = ServiceOrderItem.objects.get(order=built).service_id
    changed = service_order_submit(external_id="life-2", requester="com", items=[
        item("cpe", "managed_cpe", {"cpeModel": "B"}, action="modify", service_id=service_id)])
    drive()
    assert reload(changed).state == "completed"
    assert [job.step for job in ActivationJob.objects.filter(item__order=changed)] == ["push_config"]
    running = observed_configs_for_service(service_id=service_id)["cpe_manager"]["config"]
    assert (running["cpe_model"], running["wifi_enabled"]) == ("B", True)
    assert service_get(service_id=service_id).characteristics == running
    removed = service_order_submit(external_id="life-3", requester="com", items=[
        item("cpe", "managed_cpe", action="delete", service_id=service_id)])
    drive()
    assert reload(removed).state == "completed"
    assert observed_configs_for_service(service_id=service_id) == {}
    assert service_get(service_id=service_id).state == "terminated"
    assert ServiceOrderItem.objects.filter(service_id=service_id).count() == 3


def test_inside_a_task_each_next_step_is_claimed_once_and_run_by_the_same_task(specs, healthy_network, monkeypatch,
                                                                               django_capture_on_commit_callbacks):
    """The task that records a step claims the next one in the same transaction and calls it after commit:
    every job is claimed exactly once (one attempt, one claim row), however the work is chained."""
    from apps.service_ordering import services
    from bss import jobs
    from bss.fsm import transition_history

    for module in (jobs, services):  # as inside a worker's task
        monkeypatch.setattr(module, "in_task", lambda: True)
    order = service_order_submit(external_id="chain-1", requester="com", items=THREE_ITEMS[:1])
    with django_capture_on_commit_callbacks(execute=True):
        services.service_order_start(service_order_id=order.pk)
    jobs_run = list(ActivationJob.objects.filter(item__order=order).order_by("id"))
    assert [(job.step, job.state, job.attempts) for job in jobs_run] == [
        ("reserve_port", "done", 1), ("configure_olt", "done", 1), ("activate_ont", "done", 1),
        ("line_test", "done", 1)]
    assert [[log.transition for log in transition_history(job)] for job in jobs_run] == [["claim", "succeed"]] * 4
    assert reload(order).state == "completed"


def test_inside_a_task_the_next_step_is_inserted_claimed_and_its_run_read_with_the_lock(
        specs, healthy_network, monkeypatch, django_capture_on_commit_callbacks):
    """Recording a step's outcome reads the job and its run's other jobs in one locking read, and writes the next
    job once: inserted claimed, never inserted and then updated."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.service_ordering import services
    from bss import jobs

    for module in (jobs, services):
        monkeypatch.setattr(module, "in_task", lambda: True)
    order = service_order_submit(external_id="chain-2", requester="com", items=THREE_ITEMS[:1])
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        services.service_order_start(service_order_id=order.pk)
    on_jobs = [" ".join(q["sql"].split()[:1]) + (" FOR UPDATE" if "FOR UPDATE" in q["sql"] else "")
               for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "SELECT")
               and '"service_ordering_activationjob"' in q["sql"].split(" WHERE ")[0]]
    # The start reads the run (nothing yet); per step one INSERT (claimed); per outcome one locking read and one
    # UPDATE (succeed).
    assert on_jobs == ["SELECT", "INSERT"] + ["SELECT FOR UPDATE", "UPDATE", "INSERT"] * 3 + ["SELECT FOR UPDATE", "UPDATE"]
    assert list(ActivationJob.objects.filter(item__order=order).values_list("state", "attempts")) == [("done", 1)] * 4
    assert reload(order).state == "completed"


def test_the_migration_counts_the_redrives_made_before_the_field_existed(specs, healthy_network):
    import importlib

    from django.apps import apps

    network_sim_fail(platform="cpe_manager", rate=1.0, mode="reject")
    order = service_order_submit(external_id="mig-1", requester="com", items=THREE_ITEMS)
    drive()
    network_sim_fail(platform="cpe_manager", rate=0.0, mode="reject")
    service_order_item_redrive(service_order_id=order.pk, item_key="cpe", reason="platform fixed")
    drive()
    ServiceOrderItem.objects.update(redrives=0)  # as the items were when the field was added

    importlib.import_module("apps.service_ordering.migrations.0004_item_redrives").count_past_redrives(apps, None)

    assert dict(ServiceOrderItem.objects.values_list("key", "redrives")) == {"fibre": 0, "ip": 0, "cpe": 1}
