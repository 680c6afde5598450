from django.db import models


class Platform(models.TextChoices):
    """Southbound platforms, one adapter each."""

    ACCESS_CONTROLLER = "access_controller"
    IPAM = "ipam"
    CPE_MANAGER = "cpe_manager"
    IPTV_PLATFORM = "iptv_platform"
    VOIP_SOFTSWITCH = "voip_softswitch"
    MOBILE_CORE = "mobile_core"


class OperationKind(models.TextChoices):
    APPLY = "apply"
    REMOVE = "remove"


class OperationState(models.TextChoices):
    PENDING = "pending"  # accepted, completion comes later by callback
    DONE = "done"


class ObservedStatus(models.TextChoices):
    OK = "ok"
    DEGRADED = "degraded"


class DriftKind(models.TextChoices):
    CONFIG = "config"
    MISSING = "missing"
    ORPHAN = "orphan"
    DEGRADED = "degraded"


class FailureMode(models.TextChoices):
    ERROR = "error"  # transient (HTTP 503): nothing applied
    TIMEOUT = "timeout"  # the change is applied but the answer never arrives
    REJECT = "reject"  # terminal (HTTP 422): nothing applied, retrying is pointless


# Platforms that answer "accepted" and complete later through a callback, unless told otherwise.
ASYNC_BY_DEFAULT = (Platform.ACCESS_CONTROLLER, Platform.MOBILE_CORE)
