from django.db import models


class ProductStatus(models.TextChoices):
    """TMF637 v4 ProductStatusType."""

    CREATED = "created"
    PENDING_ACTIVE = "pendingActive"
    CANCELLED = "cancelled"
    ACTIVE = "active"
    PENDING_TERMINATE = "pendingTerminate"
    TERMINATED = "terminated"
    SUSPENDED = "suspended"
    ABORTED = "aborted"


# Which transition leads to each status (services pick the transition by the wanted status).
TRANSITION_TO = {
    ProductStatus.ACTIVE: "activate",
    ProductStatus.PENDING_ACTIVE: "mark_pending_active",
    ProductStatus.SUSPENDED: "suspend",
    ProductStatus.PENDING_TERMINATE: "mark_pending_terminate",
    ProductStatus.TERMINATED: "terminate",
    ProductStatus.ABORTED: "abort",
    ProductStatus.CANCELLED: "cancel",
}


# The characteristic TMF637 shows while a realizing service is degraded (value "degraded"); reserved: clients
# cannot set it.
SERVICE_HEALTH = "serviceHealth"
