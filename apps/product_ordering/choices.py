from django.db import models


class OrderState(models.TextChoices):
    """TMF622 v4 ProductOrderStateType."""

    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    PENDING = "pending"
    HELD = "held"
    IN_PROGRESS = "inProgress"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    PARTIAL = "partial"
    ASSESSING_CANCELLATION = "assessingCancellation"
    PENDING_CANCELLATION = "pendingCancellation"


class ItemState(models.TextChoices):
    """TMF622 v4 ProductOrderItemStateType."""

    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    PENDING = "pending"
    HELD = "held"
    IN_PROGRESS = "inProgress"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    ASSESSING_CANCELLATION = "assessingCancellation"
    PENDING_CANCELLATION = "pendingCancellation"


class TaskState(models.TextChoices):
    """TMF622 v4 TaskStateType (cancelProductOrder)."""

    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "inProgress"
    DONE = "done"
    TERMINATED_WITH_ERROR = "terminatedWithError"


class ItemAction(models.TextChoices):
    ADD = "add"
    MODIFY = "modify"
    DELETE = "delete"
    NO_CHANGE = "noChange"


class ServiceItemState(models.TextChoices):
    """COM's view of one decomposed service order item (activation owns the real one)."""

    PLANNED = "planned"
    SUBMITTED = "submitted"
    HELD = "held"  # activation failed it into a fallout case: an operator re-drives it or gives up
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    COMPENSATED = "compensated"


ORDER_TERMINAL = {OrderState.REJECTED, OrderState.CANCELLED, OrderState.COMPLETED, OrderState.FAILED,
                  OrderState.PARTIAL}
ITEM_TERMINAL = {ItemState.REJECTED, ItemState.CANCELLED, ItemState.COMPLETED, ItemState.FAILED}
# Deleting an order is allowed only before any work started or after it was refused/withdrawn.
ORDER_DELETABLE = {OrderState.ACKNOWLEDGED, OrderState.REJECTED, OrderState.CANCELLED}
