import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from apps.fallout.models import FalloutCase
from bss.errors import IllegalTransition
from bss.fsm import transition_apply, transition_history

TRANSITIONS = ("assign", "start", "redrive", "skip_step", "compensate", "cancel_order", "sync_inventory", "recur",
               "resolve", "cancel")
ACTS = {"assign": "assigned", "redrive": "inProgress", "skip_step": "inProgress", "compensate": "inProgress",
        "cancel_order": "inProgress", "sync_inventory": "inProgress", "resolve": "resolved", "cancel": "cancelled"}
ALLOWED = {
    "open": ACTS,
    "assigned": {**ACTS, "start": "inProgress"},
    "inProgress": {**ACTS, "recur": "assigned"},
    "resolved": {},
    "cancelled": {},
}
MATRIX = [(state, name, ALLOWED[state].get(name)) for state in ALLOWED for name in TRANSITIONS]


def make_case(state="open", **extra):
    return FalloutCase.objects.create(source="activation", kind="stepExhausted", subject=f"s-{state}",
                                      state=state, **extra)


@pytest.mark.parametrize(("state", "transition", "target"), MATRIX)
def test_every_state_and_transition(db, state, transition, target):
    case = make_case(state)

    if target is None:
        with pytest.raises(IllegalTransition):
            transition_apply(case, transition, actor="op1", reason="why")
        assert FalloutCase.objects.get(pk=case.pk).state == state
        assert transition_history(case).count() == 0
    else:
        transition_apply(case, transition, actor="op1", reason="why")
        assert FalloutCase.objects.get(pk=case.pk).state == target
        log = transition_history(case).get()
        assert (log.transition, log.source_state, log.target_state, log.actor, log.reason) == (
            transition, state, target, "op1", "why")


def test_an_action_makes_the_actor_the_assignee_when_nobody_was(db):
    case = make_case("open")

    transition_apply(case, "redrive", actor="op1", reason="fault cleared", update_fields=("assignee", "last_action"),
                     operator="op1")

    case = FalloutCase.objects.get(pk=case.pk)
    assert (case.state, case.assignee, case.last_action) == ("inProgress", "op1", "redrive")


def test_concurrent_transition_on_a_stale_copy_is_refused(db):
    case = make_case("open")
    first, second = FalloutCase.objects.get(pk=case.pk), FalloutCase.objects.get(pk=case.pk)
    transition_apply(first, "assign", actor="op1", update_fields=("assignee",), assignee="op1")

    with pytest.raises(ConcurrentTransition), transaction.atomic():
        transition_apply(second, "cancel", actor="op2", update_fields=("resolution",), resolution="dup")

    case = FalloutCase.objects.get(pk=case.pk)
    assert (case.state, case.assignee, case.resolution) == ("assigned", "op1", "")
