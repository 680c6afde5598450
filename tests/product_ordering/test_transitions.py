"""Every state × transition of COM's state machines: allowed ones reach their target, others are refused."""
import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from apps.product_ordering.choices import ItemState, OrderState, ServiceItemState, TaskState
from apps.product_ordering.models import CancelProductOrder, ProductOrder, ProductOrderItem, ServiceItem

O, I, SI, T = OrderState, ItemState, ServiceItemState, TaskState

# transition → (allowed sources, target)
ORDER = {
    "await_information": ({O.ACKNOWLEDGED}, O.PENDING),
    "reject": ({O.ACKNOWLEDGED, O.PENDING}, O.REJECTED),
    "start": ({O.ACKNOWLEDGED, O.PENDING}, O.IN_PROGRESS),
    "hold": ({O.IN_PROGRESS}, O.HELD),
    "resume": ({O.HELD}, O.IN_PROGRESS),
    "complete": ({O.IN_PROGRESS}, O.COMPLETED),
    "mark_partial": ({O.IN_PROGRESS}, O.PARTIAL),
    "fail": ({O.IN_PROGRESS}, O.FAILED),
    "assess_cancellation": ({O.ACKNOWLEDGED, O.PENDING, O.HELD, O.IN_PROGRESS}, O.ASSESSING_CANCELLATION),
    "accept_cancellation": ({O.ASSESSING_CANCELLATION}, O.PENDING_CANCELLATION),
    "cancel": ({O.PENDING_CANCELLATION}, O.CANCELLED),
}
ITEM = {
    "await_dependencies": ({I.ACKNOWLEDGED}, I.PENDING),
    "reject": ({I.ACKNOWLEDGED, I.PENDING}, I.REJECTED),
    "start": ({I.ACKNOWLEDGED, I.PENDING}, I.IN_PROGRESS),
    "hold": ({I.IN_PROGRESS}, I.HELD),
    "resume": ({I.HELD}, I.IN_PROGRESS),
    "complete": ({I.IN_PROGRESS}, I.COMPLETED),
    "fail": ({I.IN_PROGRESS}, I.FAILED),
    "cancel": ({I.ACKNOWLEDGED, I.PENDING, I.HELD, I.IN_PROGRESS, I.ASSESSING_CANCELLATION, I.PENDING_CANCELLATION,
                I.COMPLETED}, I.CANCELLED),
}
SERVICE_ITEM = {
    "submit": ({SI.PLANNED}, SI.SUBMITTED),
    "hold": ({SI.SUBMITTED}, SI.HELD),
    "complete": ({SI.SUBMITTED, SI.HELD}, SI.COMPLETED),
    "fail": ({SI.SUBMITTED, SI.HELD}, SI.FAILED),
    "retry": ({SI.FAILED, SI.CANCELLED}, SI.PLANNED),
    "cancel": ({SI.PLANNED, SI.SUBMITTED, SI.HELD}, SI.CANCELLED),
    "compensate": ({SI.COMPLETED}, SI.COMPENSATED),
}
TASK = {
    "start": ({T.ACKNOWLEDGED}, T.IN_PROGRESS),
    "finish": ({T.IN_PROGRESS}, T.DONE),
    "fail": ({T.ACKNOWLEDGED, T.IN_PROGRESS}, T.TERMINATED_WITH_ERROR),
}
MACHINES = [(ProductOrder, ORDER, O), (ProductOrderItem, ITEM, I), (ServiceItem, SERVICE_ITEM, SI),
            (CancelProductOrder, TASK, T)]
CASES = [pytest.param(model, name, state, sources, target, id=f"{model.__name__}-{name}-{state}")
         for model, table, states in MACHINES for name, (sources, target) in table.items() for state in states]


@pytest.mark.parametrize("model, transition, state, sources, target", CASES)
def test_transition_matrix(model, transition, state, sources, target):
    obj = model(state=state)
    bound = getattr(obj, transition)
    if state in sources:
        assert can_proceed(bound)
        bound()
        assert obj.state == target
    else:
        assert not can_proceed(bound)
        with pytest.raises(TransitionNotAllowed):
            bound()
        assert obj.state == state


def test_tables_cover_every_declared_transition():
    for model, table, _ in MACHINES:
        declared = {t.name for t in model._meta.get_field("state").get_all_transitions(model)}
        assert declared == set(table), model


def test_a_concurrent_transition_on_a_stale_copy_is_refused(com):
    from .helpers import place

    order = place(com)  # inProgress
    first, second = ProductOrder.objects.get(pk=order.pk), ProductOrder.objects.get(pk=order.pk)
    first.complete()
    first.save()
    second.fail()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert ProductOrder.objects.get(pk=order.pk).state == "completed"
