import uuid

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .choices import ACTIVE_STATES, FalloutSource, FalloutState

S = FalloutState
ACTIVE = list(ACTIVE_STATES)


class FalloutCase(ConcurrentTransitionMixin, models.Model):
    """Work an operator must look at: a failure some context could not fix by itself.

    One active case per (source, kind, subject): a repeat of the same failure bumps `occurrences`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=20, choices=FalloutSource.choices)
    kind = models.CharField(max_length=60, help_text="what failed, e.g. stepExhausted, driftUnrepairable")
    subject = models.CharField(max_length=300, help_text="what it failed on, built from the ids below")
    summary = models.TextField(blank=True)
    context = models.JSONField(default=dict, blank=True)
    product_order_id = models.CharField(max_length=64, blank=True, db_index=True)
    service_order_id = models.CharField(max_length=64, blank=True, db_index=True)
    item_key = models.CharField(max_length=200, blank=True)
    job_id = models.CharField(max_length=64, blank=True)
    service_id = models.CharField(max_length=64, blank=True, db_index=True)
    delivery_id = models.CharField(max_length=64, blank=True)
    opened_by_event_id = models.CharField(max_length=64, blank=True)
    occurrences = models.PositiveIntegerField(default=1)
    state = FSMField(choices=FalloutState.choices, default=S.OPEN, protected=True, db_index=True)
    assignee = models.CharField(max_length=150, blank=True)
    last_action = models.CharField(max_length=30, blank=True)
    resolution = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "kind", "subject"],
                                               condition=models.Q(state__in=ACTIVE),
                                               name="fallout_one_active_case_per_subject")]
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.source}/{self.kind} {self.subject} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    # --- transitions: set this row's fields only ---
    @transition(field=state, source=ACTIVE, target=S.ASSIGNED)
    def assign(self, assignee: str = ""):
        self.assignee = assignee

    @transition(field=state, source=S.ASSIGNED, target=S.IN_PROGRESS)
    def start(self):
        pass

    # An operator action on the failed work: the case is then being worked on by whoever acted.
    def _act(self, action: str, operator: str):
        self.last_action = action
        self.assignee = self.assignee or operator

    @transition(field=state, source=ACTIVE, target=S.IN_PROGRESS)
    def redrive(self, operator: str = ""):
        self._act("redrive", operator)

    @transition(field=state, source=ACTIVE, target=S.IN_PROGRESS)
    def skip_step(self, operator: str = ""):
        self._act("skip_step", operator)

    @transition(field=state, source=ACTIVE, target=S.IN_PROGRESS)
    def compensate(self, operator: str = ""):
        self._act("compensate", operator)

    @transition(field=state, source=ACTIVE, target=S.IN_PROGRESS)
    def cancel_order(self, operator: str = ""):
        self._act("cancel_order", operator)

    @transition(field=state, source=ACTIVE, target=S.IN_PROGRESS)
    def sync_inventory(self, operator: str = ""):
        self._act("sync_inventory", operator)

    # The failure came back after an operator acted: back in the assignee's queue.
    @transition(field=state, source=S.IN_PROGRESS, target=S.ASSIGNED)
    def recur(self):
        pass

    @transition(field=state, source=ACTIVE, target=S.RESOLVED)
    def resolve(self, resolution: str = ""):
        self.resolution = resolution

    @transition(field=state, source=ACTIVE, target=S.CANCELLED)
    def cancel(self, resolution: str = ""):
        self.resolution = resolution
