from django.db import models


class TaskState(models.TextChoices):
    """TMF645 v4.0.0 TaskStateType. `accepted` is the spec's enum value for what its prose calls acknowledged."""

    ACCEPTED = "accepted"
    IN_PROGRESS = "inProgress"
    DONE = "done"
    TERMINATED_WITH_ERROR = "terminatedWithError"


class QualificationResult(models.TextChoices):
    QUALIFIED = "qualified"
    ALTERNATE = "alternate"
    UNQUALIFIED = "unqualified"


class Technology(models.TextChoices):
    FIBRE = "fibre", "Fibre (FTTH)"
    DSL = "dsl", "DSL (copper)"
    MOBILE = "mobile", "Mobile (4G/5G)"
