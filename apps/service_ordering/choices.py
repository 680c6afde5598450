from django.db import models


class OrderState(models.TextChoices):
    """TMF641 ServiceOrderStateType (the subset this activation domain reaches)."""

    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    IN_PROGRESS = "inProgress"
    PENDING_CANCELLATION = "pendingCancellation"
    COMPLETED = "completed"
    PARTIAL = "partial"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ItemState(models.TextChoices):
    """Domain states of an order item; `tmf_item_state` maps them onto TMF641's ServiceOrderItemStateType."""

    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    PENDING = "pending"  # waiting for the items it relies on
    IN_PROGRESS = "inProgress"
    PENDING_EXTERNAL = "pendingExternal"  # a step waits for a platform's callback, with a deadline
    COMPENSATING = "compensating"  # undoing finished steps (failure roll-back, cancellation, COM's request)
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


ITEM_TERMINAL = (ItemState.REJECTED, ItemState.COMPLETED, ItemState.FAILED, ItemState.CANCELLED)
ITEM_STABLE = (ItemState.COMPLETED, ItemState.FAILED, ItemState.CANCELLED, ItemState.REJECTED)
ORDER_TERMINAL = (OrderState.REJECTED, OrderState.COMPLETED, OrderState.PARTIAL, OrderState.FAILED,
                  OrderState.CANCELLED)

_TMF_ITEM_STATE = {ItemState.PENDING_EXTERNAL: "inProgress", ItemState.COMPENSATING: "inProgress"}


def tmf_item_state(state: str, *, cancelling: bool = False) -> str:
    if cancelling and state in (ItemState.COMPENSATING, ItemState.PENDING_EXTERNAL, ItemState.IN_PROGRESS):
        return "pendingCancellation"
    return _TMF_ITEM_STATE.get(state, state)


class ItemAction(models.TextChoices):
    ADD = "add"
    MODIFY = "modify"
    DELETE = "delete"
    NO_CHANGE = "noChange"


class JobState(models.TextChoices):
    PENDING = "pending"  # due at next_attempt_at (or now)
    RUNNING = "running"  # claimed by a worker at claimed_at
    PENDING_EXTERNAL = "pendingExternal"  # accepted by the platform; waits for its callback until deadline_at
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


JOB_OPEN = (JobState.PENDING, JobState.RUNNING, JobState.PENDING_EXTERNAL)


class JobPhase(models.TextChoices):
    DO = "do"
    UNDO = "undo"  # compensation of a finished step


class Outcome(models.TextChoices):
    """Where a compensating item ends."""

    FAILED = "failed"
    CANCELLED = "cancelled"


class CancelState(models.TextChoices):
    """TMF641 TaskStateType for cancelServiceOrder."""

    ACCEPTED = "accepted"
    IN_PROGRESS = "inProgress"
    DONE = "done"
    TERMINATED_WITH_ERROR = "terminatedWithError"


class RepairKind(models.TextChoices):
    """How activation puts a running service right (asked by reconciliation, one job per drift)."""

    REAPPLY = "reapply"  # the platform runs other values: apply the recorded ones again
    RESTORE = "restore"  # the platform runs nothing: apply the whole recorded configuration
    RETRY_DEGRADED = "retry_degraded"  # the platform reports it degraded: apply again and look
    ADOPT = "adopt"  # configuration nobody recorded, attributable to a spec: record it in TMF638
    REMOVE_ORPHAN = "remove_orphan"  # configuration left behind by a terminated service: remove it
    SYNC_INVENTORY = "sync_inventory"  # the network is right (an operator said so): copy it into TMF638
