"""Every state machine of activation: the full state × transition table, and one lost-update check each."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.service_ordering.choices import CancelState, ItemState, JobState, OrderState
from apps.service_ordering.models import ActivationJob, CancelServiceOrder, RepairJob, ServiceOrder, ServiceOrderItem

from .fsm_matrix import assert_concurrent_transition_refused, assert_transition_matrix

O, I, J, C = OrderState, ItemState, JobState, CancelState

ORDER_TABLE = {
    "start": ({O.ACKNOWLEDGED, O.COMPLETED, O.PARTIAL, O.FAILED}, O.IN_PROGRESS),
    "reject": ({O.ACKNOWLEDGED, O.IN_PROGRESS}, O.REJECTED),
    "request_cancellation": ({O.ACKNOWLEDGED, O.IN_PROGRESS}, O.PENDING_CANCELLATION),
    "complete": ({O.IN_PROGRESS}, O.COMPLETED),
    "mark_partial": ({O.IN_PROGRESS, O.PENDING_CANCELLATION}, O.PARTIAL),
    "fail": ({O.IN_PROGRESS, O.PENDING_CANCELLATION}, O.FAILED),
    "cancel": ({O.ACKNOWLEDGED, O.IN_PROGRESS, O.PENDING_CANCELLATION}, O.CANCELLED),
}

ITEM_TABLE = {
    "reject": ({I.ACKNOWLEDGED}, I.REJECTED),
    "wait": ({I.ACKNOWLEDGED}, I.PENDING),
    "start": ({I.ACKNOWLEDGED, I.PENDING}, I.IN_PROGRESS),
    "redrive": ({I.FAILED}, I.IN_PROGRESS),
    "await_external": ({I.IN_PROGRESS}, I.PENDING_EXTERNAL),
    "resume": ({I.PENDING_EXTERNAL}, I.IN_PROGRESS),
    "complete": ({I.IN_PROGRESS}, I.COMPLETED),
    "compensate": ({I.IN_PROGRESS, I.PENDING_EXTERNAL, I.COMPLETED}, I.COMPENSATING),
    "fail": ({I.ACKNOWLEDGED, I.PENDING, I.IN_PROGRESS, I.PENDING_EXTERNAL, I.COMPENSATING}, I.FAILED),
    "cancel": ({I.ACKNOWLEDGED, I.PENDING, I.COMPENSATING}, I.CANCELLED),
}

JOB_TABLE = {
    "claim": ({J.PENDING}, J.RUNNING),  # a running job only when abandoned: see the stale-claim test
    "succeed": ({J.RUNNING, J.PENDING_EXTERNAL}, J.DONE),
    "await_external": ({J.RUNNING}, J.PENDING_EXTERNAL),
    "retry": ({J.RUNNING, J.PENDING_EXTERNAL}, J.PENDING),
    "fail": ({J.PENDING, J.RUNNING, J.PENDING_EXTERNAL}, J.FAILED),
    "skip": ({J.FAILED}, J.DONE),
    "cancel": ({J.PENDING, J.PENDING_EXTERNAL}, J.CANCELLED),
}

CANCEL_TABLE = {
    "start": ({C.ACCEPTED}, C.IN_PROGRESS),
    "finish": ({C.ACCEPTED, C.IN_PROGRESS}, C.DONE),
    "terminate_with_error": ({C.ACCEPTED, C.IN_PROGRESS}, C.TERMINATED_WITH_ERROR),
}


def test_service_order_transitions():
    assert_transition_matrix(lambda state: ServiceOrder(state=state), OrderState.values, ORDER_TABLE)


def test_service_order_item_transitions():
    assert_transition_matrix(lambda state: ServiceOrderItem(state=state), ItemState.values, ITEM_TABLE)


def test_activation_job_transitions():
    assert_transition_matrix(lambda state: ActivationJob(state=state), JobState.values, JOB_TABLE)


def test_cancel_service_order_transitions():
    assert_transition_matrix(lambda state: CancelServiceOrder(state=state), CancelState.values, CANCEL_TABLE)


# Step jobs and repair jobs share these (PlatformJob).
@pytest.mark.parametrize("job_model", [ActivationJob, RepairJob])
def test_job_claim_waits_for_its_next_attempt_and_reclaims_only_abandoned_runs(monkeypatch, job_model):
    monkeypatch.setenv("BSS_ACTIVATION_STALE_SECONDS", "30")
    now = timezone.now()
    assert not job_model(state=J.PENDING, next_attempt_at=now + timedelta(seconds=5)).is_claimable()
    assert job_model(state=J.PENDING, next_attempt_at=now - timedelta(seconds=1)).is_claimable()
    assert not job_model(state=J.RUNNING, claimed_at=now - timedelta(seconds=10)).is_claimable()
    assert job_model(state=J.RUNNING, claimed_at=now - timedelta(seconds=31)).is_claimable()


@pytest.mark.parametrize("job_model", [ActivationJob, RepairJob])
def test_job_retry_is_refused_once_attempts_are_used_up(job_model):
    assert job_model(state=J.RUNNING, attempts=4, max_attempts=5).attempts_left()
    assert not job_model(state=J.RUNNING, attempts=5, max_attempts=5).attempts_left()


def test_concurrent_transitions_lose_instead_of_overwriting(db):
    order = ServiceOrder.objects.create(external_id="fsm-1")
    assert_concurrent_transition_refused(order, "start", "reject")
    item = ServiceOrderItem.objects.create(order=order, key="a", service_spec_id="s")
    assert_concurrent_transition_refused(item, "start", "cancel")
    job = ActivationJob.objects.create(item=item, step="s", platform="ipam", operation="apply")
    assert_concurrent_transition_refused(job, "claim", "cancel")
    cancellation = CancelServiceOrder.objects.create(service_order=order)
    assert_concurrent_transition_refused(cancellation, "start", "finish")
