import pytest

from apps.fallout import services, selectors
from apps.fallout.models import FalloutCase
from apps.fallout.owners import owner_service
from bss.errors import IllegalTransition, NotFound, Unavailable, ValidationFailed
from bss.events import event_emit
from bss.fsm import transition_history
from bss.models import Delivery, OutboxEvent, TransitionLog
from bss.testing import outbox_drain


def open_case(**overrides):
    fields = {"source": "activation", "kind": "stepExhausted", "summary": "apply failed",
              "service_order_id": "so-1", "item_key": "item-1"}
    return services.fallout_case_open(**{**fields, **overrides})


def dead_delivery():
    event = OutboxEvent.objects.create(event_type="ProductOrderCreateEvent", resource_type="productOrder",
                                       resource_id="po-1", state=OutboxEvent.State.DISPATCHED)
    return Delivery.objects.create(event=event, kind=Delivery.Kind.LISTENER, target="sub-1",
                                   queue="notifications", state=Delivery.State.DEAD, attempts=8, max_attempts=8)


def test_open_creates_one_case_with_a_subject_and_an_event(db):
    case = open_case(event_id="e1")

    assert (case.state, case.subject, case.occurrences) == ("open", "service_order_id=so-1|item_key=item-1", 1)
    created = OutboxEvent.objects.get(event_type="FalloutCaseCreateEvent")
    assert (created.resource_id, created.payload["state"]) == (str(case.pk), "open")


def test_open_is_idempotent_for_a_replayed_event_and_counts_a_repeat(db):
    first = open_case(event_id="e1")
    replay = open_case(event_id="e1")
    repeat = open_case(event_id="e2", summary="apply failed again")

    assert first.pk == replay.pk == repeat.pk
    case = FalloutCase.objects.get()
    assert (case.occurrences, case.summary) == (2, "apply failed again")
    assert OutboxEvent.objects.filter(event_type="FalloutCaseCreateEvent").count() == 1


def test_a_failure_after_resolution_opens_a_new_case(db):
    first = open_case(event_id="e1")
    services.fallout_case_resolve(case_id=first.pk, actor="op1", reason="fixed by hand")

    second = open_case(event_id="e2")

    assert second.pk != first.pk
    assert list(FalloutCase.objects.order_by("created_at").values_list("state", flat=True)) == ["resolved", "open"]


def test_open_refuses_an_unknown_source(db):
    with pytest.raises(ValidationFailed):
        open_case(source="martians")
    assert FalloutCase.objects.count() == 0


def test_assign_then_start_is_logged_with_who_and_why(db):
    case = open_case()

    services.fallout_case_assign(case_id=case.pk, assignee="op2", actor="lead", reason="night shift")
    services.fallout_case_start(case_id=case.pk, actor="op2", reason="looking")

    case = FalloutCase.objects.get(pk=case.pk)
    assert (case.state, case.assignee) == ("inProgress", "op2")
    assert list(transition_history(case).values_list("transition", "actor", "reason")) == [
        ("assign", "lead", "night shift"), ("start", "op2", "looking")]
    assert list(OutboxEvent.objects.filter(event_type="FalloutCaseStateChangeEvent")
                .values_list("payload__state", flat=True)) == ["assigned", "inProgress"]


def test_redrive_of_a_dead_delivery_gives_it_fresh_attempts(db):
    delivery = dead_delivery()
    case = open_case(source="notifications", kind="deliveryDeadLettered", delivery_id=str(delivery.pk),
                     service_order_id="", item_key="")

    services.fallout_case_redrive(case_id=case.pk, actor="op1", reason="listener is back")

    delivery.refresh_from_db()
    case = FalloutCase.objects.get(pk=case.pk)
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    assert (case.state, case.assignee, case.last_action) == ("inProgress", "op1", "redrive")
    log = transition_history(case).get()
    assert (log.transition, log.actor, log.reason) == ("redrive", "op1", "listener is back")


def test_an_action_on_a_closed_case_changes_nothing(db):
    delivery = dead_delivery()
    case = open_case(source="notifications", kind="deliveryDeadLettered", delivery_id=str(delivery.pk))
    services.fallout_case_cancel(case_id=case.pk, actor="op1", reason="duplicate")
    events_before = OutboxEvent.objects.count()

    with pytest.raises(IllegalTransition):
        services.fallout_case_redrive(case_id=case.pk, actor="op1", reason="again")

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("dead", 8)
    assert FalloutCase.objects.get(pk=case.pk).state == "cancelled"
    assert OutboxEvent.objects.count() == events_before


def test_an_action_the_owner_refuses_leaves_the_case_untouched(db):
    case = open_case(source="notifications", kind="deliveryDeadLettered", delivery_id="",
                     service_order_id="", item_key="", event_id="e9")
    logs_before = TransitionLog.objects.count()

    with pytest.raises(ValidationFailed):
        services.fallout_case_skip_step(case_id=case.pk, actor="op1", reason="try")

    assert FalloutCase.objects.get(pk=case.pk).state == "open"
    assert TransitionLog.objects.count() == logs_before


@pytest.mark.parametrize("action", ["fallout_case_resolve", "fallout_case_cancel", "fallout_case_redrive"])
def test_actions_need_a_reason(db, action):
    case = open_case()

    with pytest.raises(ValidationFailed):
        getattr(services, action)(case_id=case.pk, actor="op1", reason="  ")

    assert FalloutCase.objects.get(pk=case.pk).state == "open"
    assert TransitionLog.objects.count() == 0


def test_unknown_case_and_unknown_action_are_refused(db):
    with pytest.raises(NotFound):
        services.fallout_case_resolve(case_id="not-a-uuid", actor="op1", reason="x")
    with pytest.raises(ValidationFailed):
        services.fallout_case_act(case_id=open_case().pk, action="reboot", actor="op1", reason="x")


def test_a_missing_owner_service_is_a_clear_503():
    with pytest.raises(Unavailable) as raised:
        owner_service("apps.service_ordering.services", "no_such_service")
    assert raised.value.status == 503
    assert "apps.service_ordering.services.no_such_service is not available" in raised.value.message


def test_fallout_requested_event_opens_a_case_once(db):
    payload = {"source": "activation", "kind": "stepExhausted", "summary": "timeout on apply",
               "context": {"step": "apply"}, "product_order_id": "po-1", "service_order_id": "so-1",
               "item_key": "k1", "job_id": "j1", "service_id": "svc-1"}
    event = event_emit(event_type="FalloutRequested", resource_type="fallout", resource_id="j1", payload=payload)

    outbox_drain()
    services_replay = open_case(source="activation", kind="stepExhausted", product_order_id="po-1",
                                service_order_id="so-1", item_key="k1", service_id="svc-1", event_id=str(event.pk))

    case = FalloutCase.objects.get()
    assert services_replay.pk == case.pk
    assert (case.kind, case.summary, case.context, case.job_id, case.occurrences) == (
        "stepExhausted", "timeout on apply", {"step": "apply"}, "j1", 1)
    assert case.subject == "service_order_id=so-1|item_key=k1"
    assert (case.product_order_id, case.service_id) == ("po-1", "svc-1")


def test_dead_lettered_delivery_event_opens_a_notifications_case(db):
    delivery = dead_delivery()
    event_emit(event_type="DeliveryDeadLetteredEvent", resource_type="delivery", resource_id=delivery.pk,
               payload={"target": "sub-1", "kind": "listener", "event_id": str(delivery.event_id),
                        "event_type": "ProductOrderCreateEvent", "error": "HTTP 500"})

    outbox_drain()

    case = FalloutCase.objects.get()
    assert (case.source, case.kind, case.delivery_id, case.state) == (
        "notifications", "deliveryDeadLettered", str(delivery.pk), "open")
    assert case.summary == "ProductOrderCreateEvent to sub-1: HTTP 500"


def item_completed(key: str, *, redriven: bool):
    return event_emit(event_type="ServiceOrderItemStateChangeEvent", resource_type="serviceOrder", resource_id="so-1",
                      payload={"service_order_id": "so-1", "external_id": "x", "key": key, "state": "completed",
                               "service_id": "svc-1", "error": "", "fallout": False, "redriven": redriven})


def test_a_redriven_item_completed_resolves_the_matching_case(db):
    case = open_case()
    other = open_case(item_key="item-2")
    item_completed("item-1", redriven=True)

    outbox_drain()

    assert FalloutCase.objects.get(pk=case.pk).state == "resolved"
    assert FalloutCase.objects.get(pk=other.pk).state == "open"
    log = transition_history(case).get()
    assert (log.actor, log.reason) == ("system", "item completed")


def test_an_item_completed_at_its_first_run_costs_fallout_no_delivery(db):
    """Every case about an item ended it failed; only a re-drive brings it back to completion."""
    case = open_case()
    event = item_completed("item-1", redriven=False)

    outbox_drain()

    assert Delivery.objects.filter(event=event, target__startswith="apps.fallout.").count() == 0
    assert FalloutCase.objects.get(pk=case.pk).state == "open"
    assert not transition_history(case).exists()


def test_open_by_age_buckets_count_only_active_cases(db):
    from datetime import timedelta

    from django.utils import timezone

    open_case()
    old = open_case(item_key="old")
    FalloutCase.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    services.fallout_case_cancel(case_id=open_case(item_key="gone").pk, actor="op1", reason="dup")

    assert selectors.fallout_open_by_age() == [("< 1 h", 1), ("1–24 h", 0), ("1–7 d", 1), ("> 7 d", 0)]


def test_a_failure_again_after_an_action_puts_the_case_back_to_its_assignee(db):
    delivery = dead_delivery()
    case = open_case(source="notifications", kind="deliveryDeadLettered", delivery_id=str(delivery.pk),
                     service_order_id="", item_key="", event_id="e1")
    services.fallout_case_redrive(case_id=case.pk, actor="olga", reason="listener back")

    again = open_case(source="notifications", kind="deliveryDeadLettered", delivery_id=str(delivery.pk),
                      service_order_id="", item_key="", event_id="e2", summary="HTTP 500 again")

    assert again.pk == case.pk
    assert (again.state, again.assignee, again.occurrences) == ("assigned", "olga", 2)
    log = transition_history(case).last()
    assert (log.transition, log.actor, log.reason) == ("recur", "system", "failed again: HTTP 500 again")
