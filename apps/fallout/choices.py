from django.db import models


class FalloutState(models.TextChoices):
    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "inProgress"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


ACTIVE_STATES = (FalloutState.OPEN, FalloutState.ASSIGNED, FalloutState.IN_PROGRESS)


class FalloutSource(models.TextChoices):
    ACTIVATION = "activation"
    ORDERING = "ordering"
    RECONCILIATION = "reconciliation"
    NOTIFICATIONS = "notifications"


class FalloutAction(models.TextChoices):
    """Operator actions that call the owning context; each is also a transition (to inProgress) of the case."""

    REDRIVE = "redrive", "Re-drive from the failed step"
    SKIP_STEP = "skip_step", "Skip the failed step"
    COMPENSATE = "compensate", "Compensate (undo completed work)"
    CANCEL_ORDER = "cancel_order", "Cancel the order"
    SYNC_INVENTORY = "sync_inventory", "Accept the network's values into TMF638"
