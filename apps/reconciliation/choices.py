from django.db import models


class DriftKind(models.TextChoices):
    CONFIG = "config"  # the network runs other parameters than TMF638 records
    MISSING = "missing"  # TMF638 says active, the network runs nothing
    ORPHAN = "orphan"  # the network runs something TMF638 does not know (or has terminated)
    DEGRADED = "degraded"  # the network reports the service unhealthy


class DetectedBy(models.TextChoices):
    SCHEDULED = "scheduled"
    EVENT = "event"
    MANUAL = "manual"


class DriftState(models.TextChoices):
    OPEN = "open"
    REPAIRING = "repairing"
    REPAIRED = "repaired"
    ESCALATED = "escalated"  # handed to an operator as a fallout case
    CLEARED = "cleared"  # gone by itself before or without repair


ACTIVE_DRIFT_STATES = (DriftState.OPEN, DriftState.REPAIRING, DriftState.ESCALATED)
