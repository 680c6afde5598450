"""The repair job's state machine (apps.service_ordering.repair): the full table and one lost-update check."""
from datetime import timedelta

from django.utils import timezone

from apps.service_ordering.choices import JobState
from apps.service_ordering.models import RepairJob

from .fsm_matrix import assert_concurrent_transition_refused, assert_transition_matrix

J = JobState

REPAIR_TABLE = {
    "claim": ({J.PENDING}, J.RUNNING),  # a running job only when abandoned: see the stale-claim test
    "succeed": ({J.RUNNING, J.PENDING_EXTERNAL}, J.DONE),
    "await_external": ({J.RUNNING}, J.PENDING_EXTERNAL),
    "retry": ({J.RUNNING, J.PENDING_EXTERNAL}, J.PENDING),
    "fail": ({J.PENDING, J.RUNNING, J.PENDING_EXTERNAL}, J.FAILED),
}


def test_repair_job_transitions():
    assert_transition_matrix(lambda state: RepairJob(state=state), JobState.values, REPAIR_TABLE)


def test_repair_job_claim_waits_for_its_next_attempt_and_reclaims_only_abandoned_runs(monkeypatch):
    monkeypatch.setenv("BSS_ACTIVATION_STALE_SECONDS", "30")
    now = timezone.now()
    assert not RepairJob(state=J.PENDING, next_attempt_at=now + timedelta(seconds=5)).is_claimable()
    assert RepairJob(state=J.PENDING, next_attempt_at=now - timedelta(seconds=1)).is_claimable()
    assert not RepairJob(state=J.RUNNING, claimed_at=now - timedelta(seconds=10)).is_claimable()
    assert RepairJob(state=J.RUNNING, claimed_at=now - timedelta(seconds=31)).is_claimable()


def test_repair_job_retry_is_refused_once_attempts_are_used_up():
    assert RepairJob(state=J.RUNNING, attempts=2, max_attempts=3).attempts_left()
    assert not RepairJob(state=J.RUNNING, attempts=3, max_attempts=3).attempts_left()


def test_repair_job_key_names_the_job_and_the_attempt():
    assert RepairJob(pk=12, attempts=2).idempotency_key == "repair:12:2"


def test_concurrent_repair_job_transitions_lose_instead_of_overwriting(db):
    job = RepairJob.objects.create(service_id="s", platform="ipam", kind="reapply", requested_by="d")
    assert_concurrent_transition_refused(job, "claim", "fail")
