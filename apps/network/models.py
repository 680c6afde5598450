"""The simulated network: its knobs, what it runs (observed state) and every call it received."""
from django.db import models

from .choices import ASYNC_BY_DEFAULT, ObservedStatus, OperationKind, OperationState, Platform


class SimulatorPlatform(models.Model):
    """Fault injection per platform (`manage.py network_sim ...`)."""

    platform = models.CharField(max_length=30, choices=Platform.choices, unique=True)
    latency_ms = models.PositiveIntegerField(default=0)
    error_rate = models.FloatField(default=0.0, help_text="share of calls answered HTTP 503 (transient)")
    timeout_rate = models.FloatField(default=0.0, help_text="share of calls applied but never answered")
    reject_rate = models.FloatField(default=0.0, help_text="share of calls refused HTTP 422 (terminal)")
    async_completion = models.BooleanField(default=False, help_text="answer 'accepted', complete by callback")
    callback_delay_ms = models.PositiveIntegerField(default=200)

    def __str__(self):
        return self.platform

    @classmethod
    def defaults_for(cls, platform: str) -> dict:
        return {"async_completion": platform in ASYNC_BY_DEFAULT}


class ObservedConfig(models.Model):
    """What one platform really runs for one service: the truth reconciliation compares TMF638 with."""

    platform = models.CharField(max_length=30, choices=Platform.choices)
    service_id = models.CharField(max_length=64, db_index=True)
    config = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=ObservedStatus.choices, default=ObservedStatus.OK)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "service_id"], name="observed_once_per_platform")]
        ordering = ["service_id", "platform"]

    def __str__(self):
        return f"{self.platform}/{self.service_id}"


class NetworkOperation(models.Model):
    """One change asked of a platform. The idempotency key (the activation job id) is unique, so a retried
    or redelivered step replays the recorded outcome instead of configuring twice."""

    idempotency_key = models.CharField(max_length=100, unique=True)
    platform = models.CharField(max_length=30, choices=Platform.choices)
    service_id = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=10, choices=OperationKind.choices)
    params = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=OperationState.choices, default=OperationState.PENDING)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.kind} {self.platform}/{self.service_id} ({self.state})"


class ServingElement(models.Model):
    """An access node (an OLT) that serves an area. Its access ports are the capacity qualification checks;
    coverage data names it by `code`, the key both contexts share."""

    code = models.CharField(max_length=40, unique=True, help_text="e.g. OLT-BER-01")
    platform = models.CharField(max_length=30, choices=Platform.choices, default=Platform.ACCESS_CONTROLLER)
    total_ports = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} ({self.total_ports} ports)"


class PortAllocation(models.Model):
    """One access port held by one service, from its reservation until the port is removed."""

    element = models.ForeignKey(ServingElement, on_delete=models.PROTECT, related_name="allocations")
    port = models.PositiveIntegerField()
    service_id = models.CharField(max_length=64, unique=True, help_text="a service holds one access port")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["element", "port"]
        constraints = [models.UniqueConstraint(fields=["element", "port"], name="port_allocated_once")]

    def __str__(self):
        return f"{self.label} → {self.service_id}"

    @property
    def label(self) -> str:
        return f"{self.element.code}/{self.port}"
