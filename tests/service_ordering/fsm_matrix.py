"""Table-driven check of a django-fsm-2 model: every state × every transition, allowed or refused."""
from django_fsm import ConcurrentTransition, can_proceed


def assert_transition_matrix(make, states, table: dict):
    """`table` = {transition: (allowed sources, target)}; `make(state)` builds an unsaved instance."""
    for transition, (sources, target) in table.items():
        for state in states:
            obj = make(state)
            allowed = can_proceed(getattr(obj, transition))
            assert allowed == (state in sources), f"{transition} from {state}: allowed={allowed}"
            if allowed:
                getattr(obj, transition)()
                assert obj.state == target, f"{transition} from {state} went to {obj.state}"


def assert_concurrent_transition_refused(saved, transition_a: str, transition_b: str):
    """Two copies of one row: the second to save a transition loses (ConcurrentTransitionMixin)."""
    import pytest
    from django.db import transaction

    model = type(saved)
    first, second = model.objects.get(pk=saved.pk), model.objects.get(pk=saved.pk)
    getattr(first, transition_a)()
    first.save()
    getattr(second, transition_b)()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert model.objects.get(pk=saved.pk).state == first.state
