"""The repair job's state machine (apps.service_ordering.repair): the full table and one lost-update check
(claim timing and attempts, shared with step jobs, are in test_state_machines.py)."""
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


def test_repair_job_key_names_the_job_and_the_attempt():
    assert RepairJob(pk=12, attempts=2).idempotency_key == "repair:12:2"


def test_concurrent_repair_job_transitions_lose_instead_of_overwriting(db):
    job = RepairJob.objects.create(service_id="s", platform="ipam", kind="reapply", requested_by="d")
    assert_concurrent_transition_refused(job, "claim", "fail")
