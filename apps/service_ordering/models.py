"""The activation domain: service orders, their items, the step jobs that execute them, cancellations,
and the local cache of service specifications activation works from."""
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from bss.models import TMFEntity

from .conf import stale_after_seconds
from .choices import CancelState, ItemAction, ItemState, JobPhase, JobState, OrderState, Outcome, RepairKind

O, I, J, C = OrderState, ItemState, JobState, CancelState


class ServiceOrder(ConcurrentTransitionMixin, TMFEntity):
    external_id = models.CharField(max_length=200, blank=True)
    requester = models.CharField(max_length=200, blank=True, help_text="who asked: COM, an orchestrator")
    owner_party_id = models.CharField(max_length=64, blank=True, db_index=True)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)
    priority = models.CharField(max_length=10, blank=True)
    requested_start_date = models.DateTimeField(null=True, blank=True)
    requested_completion_date = models.DateTimeField(null=True, blank=True)
    expected_completion_date = models.DateTimeField(null=True, blank=True)
    start_date = models.DateTimeField(null=True, blank=True)
    completion_date = models.DateTimeField(null=True, blank=True)
    cancellation_date = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    related_parties = models.JSONField(default=list, blank=True)  # [{"id", "name", "role", "type"}]
    notes = models.JSONField(default=list, blank=True)  # [{"author", "date", "text"}]
    external_references = models.JSONField(default=list, blank=True)  # [{"name", "type"}]
    state = FSMField(choices=OrderState.choices, default=O.ACKNOWLEDGED, protected=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["external_id"], condition=~models.Q(external_id=""),
                                               name="service_order_external_id_once")]

    def __str__(self):
        return f"service order {self.pk} ({self.state})"

    # --- transitions: this row only. The target is chosen by service_order_recompute_state. ---
    # From an ended order too: an operator's re-drive or COM's compensation reopens it.
    @transition(field=state, source=[O.ACKNOWLEDGED, O.COMPLETED, O.PARTIAL, O.FAILED], target=O.IN_PROGRESS)
    def start(self):
        self.start_date = self.start_date or timezone.now()
        self.completion_date = None

    @transition(field=state, source=[O.ACKNOWLEDGED, O.IN_PROGRESS], target=O.REJECTED)
    def reject(self):
        self.completion_date = timezone.now()

    @transition(field=state, source=[O.ACKNOWLEDGED, O.IN_PROGRESS], target=O.PENDING_CANCELLATION)
    def request_cancellation(self, reason: str = ""):
        self.cancel_requested = True
        self.cancellation_reason = reason

    @transition(field=state, source=[O.IN_PROGRESS], target=O.COMPLETED)
    def complete(self):
        self.completion_date = timezone.now()

    @transition(field=state, source=[O.IN_PROGRESS, O.PENDING_CANCELLATION], target=O.PARTIAL)
    def mark_partial(self):
        self.completion_date = timezone.now()

    @transition(field=state, source=[O.IN_PROGRESS, O.PENDING_CANCELLATION], target=O.FAILED)
    def fail(self):
        self.completion_date = timezone.now()

    @transition(field=state, source=[O.ACKNOWLEDGED, O.IN_PROGRESS, O.PENDING_CANCELLATION], target=O.CANCELLED)
    def cancel(self):
        self.completion_date = self.cancellation_date = timezone.now()


class ServiceOrderItem(ConcurrentTransitionMixin, models.Model):
    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=200, help_text="the requester's item id (COM: order item + rule)")
    action = models.CharField(max_length=10, choices=ItemAction.choices, default=ItemAction.ADD)
    service_spec_id = models.CharField(max_length=64)
    service_spec_version = models.CharField(max_length=30, blank=True)
    service_name = models.CharField(max_length=200, blank=True)
    family = models.CharField(max_length=30, blank=True, help_text="activator family, from the spec")
    # Pinned with the version when the item is prepared (a version's metadata never changes): every later unit
    # of work reads it with the item instead of asking the spec cache again.
    activation = models.JSONField(default=dict, blank=True, help_text="the spec version's activation metadata")
    characteristics = models.JSONField(default=dict, blank=True)
    service_id = models.CharField(max_length=64, blank=True, help_text="TMF638 service built or changed")
    relies_on = models.JSONField(default=list, blank=True, help_text="keys of items that must complete first")
    related_party_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True,
                               help_text="where compensation ends")
    run = models.PositiveIntegerField(default=1, help_text="bumped by a re-drive: a fresh set of step jobs")
    redrives = models.PositiveIntegerField(default=0, help_text="re-drives and skipped steps after a failure")
    state = FSMField(choices=ItemState.choices, default=I.ACKNOWLEDGED, protected=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "key"], name="service_order_item_key_once")]

    def __str__(self):
        return f"{self.order_id}/{self.key} ({self.state})"

    @transition(field=state, source=[I.ACKNOWLEDGED], target=I.REJECTED)
    def reject(self, error: str = ""):
        self.error = error

    @transition(field=state, source=[I.ACKNOWLEDGED], target=I.PENDING)
    def wait(self):
        pass

    @transition(field=state, source=[I.ACKNOWLEDGED, I.PENDING], target=I.IN_PROGRESS)
    def start(self):
        pass

    @transition(field=state, source=[I.FAILED], target=I.IN_PROGRESS)
    def redrive(self, fresh_run: bool = True):
        """Work on a failed item again: from the first step (fresh run) or from where it stopped."""
        self.error = ""
        self.outcome = ""
        self.run += 1 if fresh_run else 0
        self.redrives += 1

    @transition(field=state, source=[I.IN_PROGRESS], target=I.PENDING_EXTERNAL)
    def await_external(self):
        pass

    @transition(field=state, source=[I.PENDING_EXTERNAL], target=I.IN_PROGRESS)
    def resume(self):
        pass

    @transition(field=state, source=[I.IN_PROGRESS], target=I.COMPLETED)
    def complete(self):
        pass

    @transition(field=state, source=[I.IN_PROGRESS, I.PENDING_EXTERNAL, I.COMPLETED], target=I.COMPENSATING)
    def compensate(self, outcome: str = Outcome.FAILED, error: str = ""):
        self.outcome = outcome
        self.error = error or self.error

    @transition(field=state, source=[I.ACKNOWLEDGED, I.PENDING, I.IN_PROGRESS, I.PENDING_EXTERNAL, I.COMPENSATING],
                target=I.FAILED)
    def fail(self, error: str = ""):
        self.error = error or self.error

    @transition(field=state, source=[I.ACKNOWLEDGED, I.PENDING, I.COMPENSATING], target=I.CANCELLED)
    def cancel(self):
        pass


class PlatformJob(ConcurrentTransitionMixin, models.Model):
    """What a step job and a repair job share: one network call with counted attempts, backoff, an optional
    wait for the platform's callback, and the worker's claim (a dead worker's claim goes stale)."""

    state = FSMField(choices=JobState.choices, default=J.PENDING, protected=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="last publication of its task")
    deadline_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    response = models.JSONField(default=dict, blank=True, help_text="the platform's last answer")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    # --- conditions (pure) ---
    def is_due(self) -> bool:
        return self.next_attempt_at is None or self.next_attempt_at <= timezone.now()

    def is_claimable(self) -> bool:
        """Pending and due, or running but abandoned (its worker died) for longer than the stale limit."""
        if self.state == J.PENDING:
            return self.is_due()
        return bool(self.claimed_at and self.claimed_at <= timezone.now() - timedelta(seconds=stale_after_seconds()))

    def attempts_left(self) -> bool:
        return self.attempts < self.max_attempts

    # --- transitions ---
    @transition(field="state", source=[J.PENDING, J.RUNNING], target=J.RUNNING, conditions=[is_claimable])
    def claim(self):
        self.attempts += 1
        self.claimed_at = timezone.now()

    @transition(field="state", source=[J.RUNNING, J.PENDING_EXTERNAL], target=J.DONE)
    def succeed(self, response: dict | None = None):
        self.response = response or {}
        self.finished_at = timezone.now()
        self.last_error = ""

    @transition(field="state", source=[J.RUNNING], target=J.PENDING_EXTERNAL)
    def await_external(self, deadline_at=None, response: dict | None = None):
        self.deadline_at = deadline_at
        self.response = response or {}

    @transition(field="state", source=[J.RUNNING, J.PENDING_EXTERNAL], target=J.PENDING, conditions=[attempts_left])
    def retry(self, next_attempt_at=None, error: str = "", response: dict | None = None):
        self.next_attempt_at = next_attempt_at
        self.last_error = error
        self.response = response or {}
        self.claimed_at = None

    @transition(field="state", source=[J.PENDING, J.RUNNING, J.PENDING_EXTERNAL], target=J.FAILED)
    def fail(self, error: str = "", response: dict | None = None):
        self.last_error = error
        self.response = response or self.response
        self.finished_at = timezone.now()


class ActivationJob(PlatformJob):
    """One step of one item: a row (system of record) plus a Celery task that runs it.

    Its id is the idempotency key of the network call, so re-running the step never configures twice."""

    item = models.ForeignKey(ServiceOrderItem, on_delete=models.CASCADE, related_name="jobs")
    run = models.PositiveIntegerField(default=1)
    phase = models.CharField(max_length=5, choices=JobPhase.choices, default=JobPhase.DO)
    step = models.CharField(max_length=60)
    platform = models.CharField(max_length=30)
    operation = models.CharField(max_length=10, help_text="apply | remove")
    params = models.JSONField(default=dict, blank=True)
    max_attempts = models.PositiveIntegerField(default=5)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta(PlatformJob.Meta):
        constraints = [models.UniqueConstraint(fields=["item", "run", "phase", "step"], name="activation_job_once")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="activation_job_due_idx")]

    def __str__(self):
        return f"job {self.pk} {self.phase}:{self.step} ({self.state})"

    @transition(field="state", source=[J.FAILED], target=J.DONE)
    def skip(self, operator: str = ""):
        """An operator declares the step done by hand (fallout 'skip step')."""
        self.response = {"skipped_by": operator or "operator"}
        self.finished_at = timezone.now()

    @transition(field="state", source=[J.PENDING, J.PENDING_EXTERNAL], target=J.CANCELLED)
    def cancel(self):
        self.finished_at = timezone.now()

class CancelServiceOrder(ConcurrentTransitionMixin, TMFEntity):
    """TMF641 cancelServiceOrder: a task resource that follows the cancellation to its end."""

    service_order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="cancellations")
    reason = models.TextField(blank=True)
    requested_cancellation_date = models.DateTimeField(null=True, blank=True)
    effective_cancellation_date = models.DateTimeField(null=True, blank=True)
    completion_message = models.TextField(blank=True)
    error_message = models.TextField(blank=True)
    owner_party_id = models.CharField(max_length=64, blank=True, db_index=True)
    state = FSMField(choices=CancelState.choices, default=C.ACCEPTED, protected=True)

    class Meta:
        ordering = ["-created_at"]

    @transition(field=state, source=[C.ACCEPTED], target=C.IN_PROGRESS)
    def start(self):
        pass

    @transition(field=state, source=[C.ACCEPTED, C.IN_PROGRESS], target=C.DONE)
    def finish(self, message: str = ""):
        self.effective_cancellation_date = timezone.now()
        self.completion_message = message

    @transition(field=state, source=[C.ACCEPTED, C.IN_PROGRESS], target=C.TERMINATED_WITH_ERROR)
    def terminate_with_error(self, error: str = ""):
        self.error_message = error


class ServiceSpecCache(models.Model):
    """Activation's versioned copy of the catalog's activation metadata: a catalog outage never blocks it."""

    spec_id = models.CharField(max_length=64)
    version = models.CharField(max_length=30)
    activation = models.JSONField(help_text="service_specification_activation(...) as fetched")
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["spec_id", "version"], name="service_spec_cache_once")]
        ordering = ["spec_id", "-fetched_at"]

    def __str__(self):
        return f"{self.spec_id}@{self.version}"


class RepairJob(PlatformJob):
    """One repair of one running service on one platform, asked for by reconciliation (one job per drift record
    and run; an operator's re-drive makes the next run). Counted attempts, backoff and fallout like a step job.

    The network call's idempotency key is the job id and the attempt: a redelivered task replays its call, while
    the next attempt (the platform still runs the wrong thing) is a new call."""

    service_id = models.CharField(max_length=64, db_index=True)
    platform = models.CharField(max_length=30)
    kind = models.CharField(max_length=20, choices=RepairKind.choices)
    params = models.JSONField(default=dict, blank=True, help_text="what to apply, or the spec to adopt under")
    requested_by = models.CharField(max_length=64, help_text="the drift record it repairs")
    run = models.PositiveIntegerField(default=1, help_text="bumped by an operator's re-drive: a fresh job")
    case = models.JSONField(default=dict, blank=True,
                            help_text="the requester's {source, kind, context} for a fallout case")
    max_attempts = models.PositiveIntegerField(default=3)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta(PlatformJob.Meta):
        constraints = [models.UniqueConstraint(fields=["requested_by", "run"], name="repair_job_once_per_run")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="repair_job_due_idx")]

    def __str__(self):
        return f"repair {self.pk} {self.kind} {self.platform}/{self.service_id} ({self.state})"

    @property
    def idempotency_key(self) -> str:
        return f"repair:{self.pk}:{self.attempts}"
