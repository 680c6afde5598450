from django.db import models


class TaskState(models.TextChoices):
    """TMF679 v4.0.0 TaskStateType."""

    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "inProgress"
    DONE = "done"
    TERMINATED_WITH_ERROR = "terminatedWithError"


class QualificationResult(models.TextChoices):
    QUALIFIED = "qualified"
    ALTERNATE = "alternate"
    UNQUALIFIED = "unqualified"


class RuleKind(models.TextChoices):
    REQUIRES = "requires", "requires another offering (in the same request or already owned)"
    SEGMENT = "segment", "only for customers of these segments"
    QUANTITY = "quantity", "at most this many in one request"
    EXCLUDES = "excludes", "never in the same request as another offering (either way round)"
