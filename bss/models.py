"""Platform tables: outbox events and their deliveries, hub subscriptions, transition log, idempotency keys."""
import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change that caused it."""

    class State(models.TextChoices):
        PENDING = "pending"
        DISPATCHED = "dispatched"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=100, db_index=True)
    api = models.CharField(max_length=20, blank=True, help_text="TMF API whose hub publishes it, e.g. tmf622")
    resource_type = models.CharField(max_length=60, help_text="TMF resource name, e.g. productOrder")
    resource_id = models.CharField(max_length=64, db_index=True)
    owner_party_id = models.CharField(max_length=64, blank=True, help_text="channel/partner that owns the resource")
    payload = models.JSONField(default=dict, help_text="domain facts for in-process subscribers")
    tmf_body = models.JSONField(null=True, blank=True, help_text="TMF rendering for hub listeners")
    correlation_id = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    # When it was emitted, not when its row was written (the events of one unit of work are written together).
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_pending_idx")]
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.event_type} {self.resource_type}/{self.resource_id}"


class HubSubscription(models.Model):
    """A listener registered through POST /hub on one TMF API."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    api = models.CharField(max_length=20, db_index=True)
    callback = models.URLField(max_length=500)
    query = models.CharField(max_length=500, blank=True)
    owner_party_id = models.CharField(max_length=64, blank=True, help_text="channel/partner that registered it")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.api} → {self.callback}"


class Delivery(models.Model):
    """One event delivered to one consumer: an in-process handler or a hub listener.

    The (event, target) pair is unique, so fan-out can be replayed without duplicates."""

    class Kind(models.TextChoices):
        HANDLER = "handler"
        LISTENER = "listener"

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        DEAD = "dead"

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    target = models.CharField(max_length=200, help_text="handler path, or hub subscription id")
    subscription = models.ForeignKey(HubSubscription, null=True, blank=True, on_delete=models.SET_NULL)
    # A listener hears one resource's events in event order: a delivery waits while an earlier one of the same
    # (subscription, resource) is still pending (bss.hub.listener_deliver).
    resource = models.CharField(max_length=130, blank=True, help_text="listener: the event's resource_type/id")
    queue = models.CharField(max_length=30, default="default")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_status = models.IntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "target"], name="delivery_once_per_target")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx"),
                   # Only undelivered listener rows: small, and what the in-order check and the wake-up read.
                   models.Index(fields=["subscription", "resource", "id"], name="delivery_listener_order_idx",
                                condition=models.Q(kind="listener", state="pending"))]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.event_id} → {self.target} ({self.state})"


class TransitionLog(models.Model):
    """Every state change of every state machine, with who and why."""

    # No database constraint: a step writes several rows and PostgreSQL checked each against django_content_type
    # (58 lookups per order); content types are never deleted, and Django still cascades if one were.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_constraint=False)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(max_length=60)
    source_state = models.CharField(max_length=40)
    target_state = models.CharField(max_length=40)
    actor = models.CharField(max_length=150, blank=True, help_text="user, client or 'system'")
    reason = models.TextField(blank=True)
    correlation_id = models.CharField(max_length=64, blank=True)
    # When the transition ran, not when its row was written (rows of one unit of work are written together).
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="transition_subject_idx")]
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.object_id}: {self.source_state} → {self.target_state}"


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed for every repeat."""

    client_key = models.CharField(max_length=100, help_text="OAuth client id or user")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    response_location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client_key", "key"], name="idempotency_key_once")]



def is_entity_id(value) -> bool:
    """Whether a value can be a TMFEntity id (a UUID): ids from elsewhere are told apart without a query."""
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False


class TMFEntity(models.Model):
    """Common columns of every resource exposed through a TMF API."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at_type = models.CharField(max_length=100, blank=True)
    at_base_type = models.CharField(max_length=100, blank=True)
    at_schema_location = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
