import uuid

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .choices import ProductStatus as S

LIVE = [S.CREATED, S.PENDING_ACTIVE, S.ACTIVE, S.SUSPENDED]


class Product(ConcurrentTransitionMixin, models.Model):
    """A customer's product instance (TMF637): what the customer has, as fulfilment last reported it.

    Cross-context references (party, account, offering, spec, services) are ids + versions, not foreign keys."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The channel that ordered it: only that channel sees it.
    owner = models.ForeignKey("parties.Party", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    # "<product order id>:<order item id>" of the order item that created it: makes creation idempotent.
    origin_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    is_bundle = models.BooleanField(default=False)
    is_customer_visible = models.BooleanField(default=True)
    product_serial_number = models.CharField(max_length=100, blank=True)
    status = FSMField(choices=S.choices, default=S.CREATED, protected=True)
    customer_party_id = models.CharField(max_length=64, blank=True, db_index=True)
    billing_account_id = models.CharField(max_length=64, blank=True)
    billing_account_name = models.CharField(max_length=200, blank=True)
    offering_id = models.CharField(max_length=64, blank=True, db_index=True)
    offering_version = models.CharField(max_length=50, blank=True)
    offering_name = models.CharField(max_length=200, blank=True)
    product_spec_id = models.CharField(max_length=64, blank=True)
    product_spec_version = models.CharField(max_length=50, blank=True)
    product_spec_name = models.CharField(max_length=200, blank=True)
    characteristics = models.JSONField(default=dict, blank=True)  # {name: value}
    # [{"name", "price_type", "recurring_period", "amount", "currency", "tax_rate"}]
    prices = models.JSONField(default=list, blank=True)
    related_parties = models.JSONField(default=list, blank=True)  # [{"party_id", "role", "name", "kind"}]
    realizing_services = models.JSONField(default=list, blank=True)  # [{"service_id", "service_spec_id", "name"}]
    order_items = models.JSONField(default=list, blank=True)  # [{"order_id", "order_item_id", "action"}]
    order_date = models.DateTimeField(null=True, blank=True)
    start_date = models.DateTimeField(null=True, blank=True)
    termination_date = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=500, blank=True)
    # Realizing services TMF638 reports degraded (operatingStatus): TMF637 has no operating status, so the
    # API shows them as the serviceHealth characteristic (docs/activation.md).
    degraded_services = models.JSONField(default=list, blank=True)
    at_type = models.CharField(max_length=100, blank=True)
    at_base_type = models.CharField(max_length=100, blank=True)
    at_schema_location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self):
        return f"{self.name or self.offering_name} ({self.status})"

    # Transitions set only this row's status; services log them and emit the events.
    @transition(field=status, source=[S.CREATED, S.PENDING_ACTIVE, S.SUSPENDED, S.ACTIVE], target=S.ACTIVE)
    def activate(self):
        pass

    @transition(field=status, source=[S.CREATED, S.ACTIVE, S.PENDING_ACTIVE], target=S.PENDING_ACTIVE)
    def mark_pending_active(self):
        pass

    @transition(field=status, source=[S.ACTIVE, S.SUSPENDED], target=S.SUSPENDED)
    def suspend(self):
        pass

    @transition(field=status, source=LIVE + [S.PENDING_TERMINATE], target=S.PENDING_TERMINATE)
    def mark_pending_terminate(self):
        pass

    @transition(field=status, source=LIVE + [S.PENDING_TERMINATE], target=S.TERMINATED)
    def terminate(self):
        pass

    @transition(field=status, source=[S.CREATED, S.PENDING_ACTIVE], target=S.ABORTED)
    def abort(self):
        pass

    @transition(field=status, source=[S.CREATED, S.PENDING_ACTIVE], target=S.CANCELLED)
    def cancel(self):
        pass
