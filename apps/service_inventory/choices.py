from django.db import models


class ServiceState(models.TextChoices):
    """TMF638 ServiceStateType."""

    FEASIBILITY_CHECKED = "feasibilityChecked"
    DESIGNED = "designed"
    RESERVED = "reserved"
    INACTIVE = "inactive"
    ACTIVE = "active"
    TERMINATED = "terminated"


class OperatingStatus(models.TextChoices):
    """How the running service behaves (our extension `operatingStatus`; TMF638 v4 has no such field)."""

    OK = "ok"
    DEGRADED = "degraded"
    SUSPENDED = "suspended"


# The transition that takes a service into each state (state is changed only through these).
TRANSITION_TO = {
    ServiceState.DESIGNED: "design",
    ServiceState.RESERVED: "reserve",
    ServiceState.INACTIVE: "deactivate",
    ServiceState.ACTIVE: "activate",
    ServiceState.TERMINATED: "terminate",
}
