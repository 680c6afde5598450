import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from apps.reconciliation.models import DriftRecord
from bss.errors import IllegalTransition
from bss.fsm import transition_apply, transition_history

TRANSITIONS = ("start_repair", "mark_repaired", "escalate", "clear")
ALLOWED = {
    "open": {"start_repair": "repairing", "escalate": "escalated", "clear": "cleared"},
    "repairing": {"start_repair": "repairing", "mark_repaired": "repaired", "escalate": "escalated",
                  "clear": "cleared"},
    "escalated": {"start_repair": "repairing", "clear": "cleared"},
    "repaired": {},
    "cleared": {},
}
MATRIX = [(state, name, ALLOWED[state].get(name)) for state in ALLOWED for name in TRANSITIONS]


def make_drift(state):
    return DriftRecord.objects.create(service_id="svc", platform="ipam", kind="config", detected_by="event",
                                      state=state)


@pytest.mark.parametrize(("state", "transition", "target"), MATRIX)
def test_every_state_and_transition(db, state, transition, target):
    drift = make_drift(state)

    if target is None:
        with pytest.raises(IllegalTransition):
            transition_apply(drift, transition, actor="reconciliation", reason="why")
        assert DriftRecord.objects.get(pk=drift.pk).state == state
        assert transition_history(drift).count() == 0
    else:
        transition_apply(drift, transition, actor="reconciliation", reason="why")
        assert DriftRecord.objects.get(pk=drift.pk).state == target
        log = transition_history(drift).get()
        assert (log.source_state, log.target_state, log.actor, log.reason) == (state, target, "reconciliation", "why")


def test_start_repair_counts_nothing_itself(db):
    """Activation's repair job counts the attempts; its outcome reports them onto the drift."""
    drift = make_drift("open")

    transition_apply(drift, "start_repair", update_fields=("repair_attempts",))
    transition_apply(drift, "start_repair", update_fields=("repair_attempts",))

    assert DriftRecord.objects.get(pk=drift.pk).repair_attempts == 0


def test_concurrent_transition_on_a_stale_copy_is_refused(db):
    drift = make_drift("open")
    first, second = DriftRecord.objects.get(pk=drift.pk), DriftRecord.objects.get(pk=drift.pk)
    transition_apply(first, "start_repair", update_fields=("repair_attempts",))

    with pytest.raises(ConcurrentTransition), transaction.atomic():
        transition_apply(second, "clear")

    assert DriftRecord.objects.get(pk=drift.pk).state == "repairing"
