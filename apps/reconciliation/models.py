import uuid

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .choices import ACTIVE_DRIFT_STATES, DetectedBy, DriftKind, DriftState

S = DriftState


class DriftRecord(ConcurrentTransitionMixin, models.Model):
    """One difference between TMF638 and the observed network, from detection to repair or escalation.

    At most one unsettled record per (service, platform, kind): re-detection refreshes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service_id = models.CharField(max_length=64, db_index=True)
    platform = models.CharField(max_length=30)
    family = models.CharField(max_length=30, blank=True, db_index=True)
    kind = models.CharField(max_length=10, choices=DriftKind.choices)
    expected = models.JSONField(null=True, blank=True, help_text="what TMF638 records")
    observed = models.JSONField(null=True, blank=True, help_text="what the network runs")
    detected_by = models.CharField(max_length=10, choices=DetectedBy.choices)
    detected_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    state = FSMField(choices=DriftState.choices, default=S.OPEN, protected=True, db_index=True)
    repair_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service_id", "platform", "kind"],
                                               condition=models.Q(state__in=list(ACTIVE_DRIFT_STATES)),
                                               name="drift_one_unsettled_per_kind")]
        ordering = ["-detected_at"]

    def __str__(self):
        return f"{self.kind} drift on {self.platform}/{self.service_id} ({self.state})"

    # --- transitions: this row only ---
    @transition(field=state, source=[S.OPEN, S.REPAIRING, S.ESCALATED], target=S.REPAIRING)
    def start_repair(self):
        pass  # activation's repair job counts the attempts; its outcome reports them (repair_attempts)

    @transition(field=state, source=[S.REPAIRING], target=S.REPAIRED)
    def mark_repaired(self, at=None):
        self.settled_at = at

    @transition(field=state, source=[S.OPEN, S.REPAIRING], target=S.ESCALATED)
    def escalate(self, error: str = ""):
        self.last_error = error

    @transition(field=state, source=[S.OPEN, S.REPAIRING, S.ESCALATED], target=S.CLEARED)
    def clear(self, at=None):
        self.settled_at = at


class ReconcileRun(models.Model):
    """One pass over a family (scheduled or manual): when, how many checked, what it found."""

    family = models.CharField(max_length=30, db_index=True)
    detected_by = models.CharField(max_length=10, choices=DetectedBy.choices)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    services_checked = models.PositiveIntegerField(default=0)
    observed_checked = models.PositiveIntegerField(default=0)
    drifts_found = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
