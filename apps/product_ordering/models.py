import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .choices import ItemAction, ItemState, OrderState, ServiceItemState, TaskState

O, I, SI, T = OrderState, ItemState, ServiceItemState, TaskState


class TMFTyped(models.Model):
    at_type = models.CharField(max_length=100, blank=True)
    at_base_type = models.CharField(max_length=100, blank=True)
    at_schema_location = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True


class ProductOrder(ConcurrentTransitionMixin, TMFTyped):
    """A customer's commercial intent (TMF622). COM decides *what* to fulfil; activation decides how."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The channel that placed it (None: staff). Only that channel sees it.
    owner = models.ForeignKey("parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=200, blank=True)
    state = FSMField(choices=O.choices, default=O.ACKNOWLEDGED, protected=True)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)
    priority = models.CharField(max_length=20, blank=True)
    notification_contact = models.CharField(max_length=200, blank=True)
    customer_party_id = models.CharField(max_length=64, blank=True, db_index=True)
    related_parties = models.JSONField(default=list, blank=True)  # [{"party_id", "role", "name", "kind"}]
    billing_account_id = models.CharField(max_length=64, blank=True)
    billing_account_name = models.CharField(max_length=200, blank=True)
    qualification_ids = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)  # [{"text", "author", "date"}]
    order_date = models.DateTimeField(auto_now_add=True)
    requested_start_date = models.DateTimeField(null=True, blank=True)
    requested_completion_date = models.DateTimeField(null=True, blank=True)
    expected_completion_date = models.DateTimeField(null=True, blank=True)
    completion_date = models.DateTimeField(null=True, blank=True)
    cancellation_date = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=500, blank=True)
    # Why it was rejected, failed or went partial: shown to the channel and the operator.
    state_reasons = models.JSONField(default=list, blank=True)
    # Progress watch: the stall sweeper opens a fallout case once past the deadline without progress.
    last_progress_at = models.DateTimeField(auto_now_add=True)
    fallout_requested_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-order_date", "id"]
        constraints = [
            # Idempotent submission: one order per channel and externalId (staff orders included).
            models.UniqueConstraint(fields=["owner", "external_id"], condition=~Q(external_id=""),
                                    nulls_distinct=False, name="product_order_unique_external_id"),
        ]

    def __str__(self):
        return f"ProductOrder {self.pk} ({self.state})"

    # Drawn under the diagram in docs/state-machines.md (manage.py fsm_diagrams).
    state_machine_notes = {"state": """\
**held: a part is in fallout.** When activation fails a service order item into a fallout case (the item's
`ServiceOrderItemStateChangeEvent` says `"fallout": true`), COM holds that service item (`submitted → held`), its
order item (`inProgress → held`) and the order (`inProgress → held`, `stateChangeReason`/`state_reasons` naming
the part), and emits `ProductOrderStateChangeEvent` as usual. Nothing is compensated or retried meanwhile; other
items carry on. The order stays held while any item is held.
- **The operator gets it done** (re-drive, skip step): the part's later `completed` completes it; the item and
  the order resume (`held → inProgress`) and settle as usual (→ `completed`, TMF637 product `active`). Parts that
  activation failed only because they relied on the held one are planned again and submitted as a new service
  order (attempt + 1).
- **The operator gives up**: the case resolved or cancelled by an operator (`FalloutCaseStateChangeEvent` with
  an actor other than `system`), or the part ending failed without a case or cancelled: the part fails, the item
  and the order resume and COM's normal rule applies (compensate the other parts, `failed`; `partial` when the
  part is optional). That failure is not retried.
- **Cancel order** from the case: a held order can be cancelled (`held → assessingCancellation`); held parts are
  cancelled, completed ones compensated.
- The stalled-order sweeper leaves a held order alone while a fallout case names it (or its held service order);
  a held order without one is filed as `order_stalled`.
- Replayed outcomes change nothing: a held part hearing its failure again (the item's event, or the service
  order's) stays held."""}

    # --- transitions: they set this row's fields only; services save, log and emit ---
    @transition(field=state, source=O.ACKNOWLEDGED, target=O.PENDING)
    def await_information(self):
        pass

    @transition(field=state, source=[O.ACKNOWLEDGED, O.PENDING], target=O.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=[O.ACKNOWLEDGED, O.PENDING], target=O.IN_PROGRESS)
    def start(self):
        pass

    @transition(field=state, source=O.IN_PROGRESS, target=O.HELD)
    def hold(self):
        pass

    @transition(field=state, source=O.HELD, target=O.IN_PROGRESS)
    def resume(self):
        pass

    @transition(field=state, source=O.IN_PROGRESS, target=O.COMPLETED)
    def complete(self):
        self.completion_date = timezone.now()

    @transition(field=state, source=O.IN_PROGRESS, target=O.PARTIAL)
    def mark_partial(self):
        self.completion_date = timezone.now()

    @transition(field=state, source=O.IN_PROGRESS, target=O.FAILED)
    def fail(self):
        self.completion_date = timezone.now()

    @transition(field=state, source=[O.ACKNOWLEDGED, O.PENDING, O.HELD, O.IN_PROGRESS],
                target=O.ASSESSING_CANCELLATION)
    def assess_cancellation(self):
        pass

    @transition(field=state, source=O.ASSESSING_CANCELLATION, target=O.PENDING_CANCELLATION)
    def accept_cancellation(self):
        pass

    @transition(field=state, source=O.PENDING_CANCELLATION, target=O.CANCELLED)
    def cancel(self):
        self.cancellation_date = timezone.now()


class ProductOrderItem(ConcurrentTransitionMixin, models.Model):
    order = models.ForeignKey(ProductOrder, on_delete=models.CASCADE, related_name="items")
    item_id = models.CharField(max_length=100)  # the channel's productOrderItem.id
    position = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=20, choices=ItemAction.choices)
    quantity = models.PositiveIntegerField(default=1)
    state = FSMField(choices=I.choices, default=I.ACKNOWLEDGED, protected=True)
    offering_id = models.CharField(max_length=64, blank=True)
    offering_version = models.CharField(max_length=50, blank=True)  # as ordered; resolved at validation
    offering_name = models.CharField(max_length=200, blank=True)
    product_spec_id = models.CharField(max_length=64, blank=True)
    product_spec_version = models.CharField(max_length=50, blank=True)
    product_spec_name = models.CharField(max_length=200, blank=True)
    characteristics = models.JSONField(default=dict, blank=True)  # {name: value}
    prices = models.JSONField(default=list, blank=True)  # snapshot of the offering's prices
    product_id = models.CharField(max_length=64, blank=True)  # existing TMF637 product (modify/delete)
    billing_account_id = models.CharField(max_length=64, blank=True)
    qualification_id = models.CharField(max_length=64, blank=True)
    # The installation address (TMF622 product.place): a GeographicAddress id of service qualification. It travels
    # to every service of the item as the characteristic `place_id`; activation picks the serving element by it.
    place_id = models.CharField(max_length=64, blank=True)
    relies_on = models.JSONField(default=list, blank=True)  # other item_ids of this order
    attempts = models.PositiveIntegerField(default=0)  # service-order submissions (first + retries)
    error = models.TextField(blank=True)
    partial = models.BooleanField(default=False)  # completed with optional service parts failed
    result_product_id = models.CharField(max_length=64, blank=True)  # the TMF637 product it produced

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "item_id"], name="product_order_item_unique_id")]

    def __str__(self):
        return f"item {self.item_id} ({self.state})"

    @transition(field=state, source=I.ACKNOWLEDGED, target=I.PENDING)
    def await_dependencies(self):
        pass

    @transition(field=state, source=[I.ACKNOWLEDGED, I.PENDING], target=I.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=[I.ACKNOWLEDGED, I.PENDING], target=I.IN_PROGRESS)
    def start(self):
        pass

    # A part failed into fallout: the item waits for the operator (re-drive, or giving up).
    @transition(field=state, source=I.IN_PROGRESS, target=I.HELD)
    def hold(self):
        pass

    @transition(field=state, source=I.HELD, target=I.IN_PROGRESS)
    def resume(self):
        pass

    @transition(field=state, source=I.IN_PROGRESS, target=I.COMPLETED)
    def complete(self):
        pass

    @transition(field=state, source=I.IN_PROGRESS, target=I.FAILED)
    def fail(self):
        pass

    # A completed item is cancelled too when its order is: its services are compensated first.
    @transition(field=state, source=[I.ACKNOWLEDGED, I.PENDING, I.HELD, I.IN_PROGRESS, I.ASSESSING_CANCELLATION,
                                     I.PENDING_CANCELLATION, I.COMPLETED], target=I.CANCELLED)
    def cancel(self):
        pass


class DecompositionRule(models.Model):
    """Versioned product-to-service rule: product spec (id, version) → one service spec, with the mapping of
    characteristics. For each (product spec, service spec) the highest active rule_version applies."""

    name = models.CharField(max_length=200)
    product_spec_id = models.CharField(max_length=64, db_index=True)
    product_spec_version = models.CharField(max_length=50, blank=True, help_text="blank: any version")
    service_spec_id = models.CharField(max_length=64)
    service_spec_version = models.CharField(max_length=50, blank=True, help_text="blank: newest")
    # {service characteristic: product characteristic}; fixed values as {"service char": {"value": x}}
    characteristic_map = models.JSONField(default=dict, blank=True)
    # A failure of an optional service part leaves the product usable (the order ends partial).
    optional = models.BooleanField(default=False)
    # Service specs of the same order item this one must wait for (e.g. IP waits for the access).
    relies_on_service_specs = models.JSONField(default=list, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    rule_version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product_spec_id", "sequence", "service_spec_id", "-rule_version"]
        constraints = [models.UniqueConstraint(
            fields=["product_spec_id", "product_spec_version", "service_spec_id", "rule_version"],
            name="decomposition_rule_unique_version")]

    def __str__(self):
        return f"{self.name} v{self.rule_version}"


class ServiceItem(ConcurrentTransitionMixin, models.Model):
    """One service order item COM asked for: the output of one rule for one order item."""

    order_item = models.ForeignKey(ProductOrderItem, on_delete=models.CASCADE, related_name="service_items")
    rule = models.ForeignKey(DecompositionRule, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=200, unique=True)  # "<order item pk>:<rule pk>": deterministic
    action = models.CharField(max_length=20, choices=ItemAction.choices)
    service_spec_id = models.CharField(max_length=64)
    service_spec_version = models.CharField(max_length=50, blank=True)
    characteristics = models.JSONField(default=dict, blank=True)
    service_id = models.CharField(max_length=64, blank=True)  # TMF638 id: existing (modify/delete) or produced
    optional = models.BooleanField(default=False)
    relies_on = models.JSONField(default=list, blank=True)  # keys of other service items
    state = FSMField(choices=SI.choices, default=SI.PLANNED, protected=True)
    service_order_id = models.CharField(max_length=64, blank=True)  # activation's order of the last submission
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["order_item_id", "rule__sequence", "id"]

    def __str__(self):
        return f"{self.key} ({self.state})"

    @transition(field=state, source=SI.PLANNED, target=SI.SUBMITTED)
    def submit(self):
        pass

    # Failed into a fallout case: its outcome is the operator's (a re-drive completes it, giving up fails it).
    @transition(field=state, source=SI.SUBMITTED, target=SI.HELD)
    def hold(self):
        pass

    @transition(field=state, source=[SI.SUBMITTED, SI.HELD], target=SI.COMPLETED)
    def complete(self):
        pass

    @transition(field=state, source=[SI.SUBMITTED, SI.HELD], target=SI.FAILED)
    def fail(self):
        pass

    @transition(field=state, source=[SI.FAILED, SI.CANCELLED], target=SI.PLANNED)
    def retry(self):
        self.error = ""

    @transition(field=state, source=[SI.PLANNED, SI.SUBMITTED, SI.HELD], target=SI.CANCELLED)
    def cancel(self):
        pass

    @transition(field=state, source=SI.COMPLETED, target=SI.COMPENSATED)
    def compensate(self):
        pass


class ServiceOrderSubmission(models.Model):
    """One service order sent to activation for one order item (first try or a retry). external_id is what
    activation echoes back in its events: it correlates outcomes to this order item."""

    order_item = models.ForeignKey(ProductOrderItem, on_delete=models.CASCADE, related_name="submissions")
    attempt = models.PositiveIntegerField()
    external_id = models.CharField(max_length=200, unique=True)
    service_order_id = models.CharField(max_length=64, blank=True)
    remote_state = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["order_item", "attempt"], name="submission_unique_attempt")]


class CancelProductOrder(ConcurrentTransitionMixin, TMFTyped):
    """The TMF622 cancellation task: its own resource with its own states."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey("parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(ProductOrder, on_delete=models.CASCADE, related_name="cancellations")
    state = FSMField(choices=T.choices, default=T.ACKNOWLEDGED, protected=True)
    cancellation_reason = models.CharField(max_length=500, blank=True)
    requested_cancellation_date = models.DateTimeField(null=True, blank=True)
    effective_cancellation_date = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self):
        return f"CancelProductOrder {self.pk} ({self.state})"

    @transition(field=state, source=T.ACKNOWLEDGED, target=T.IN_PROGRESS)
    def start(self):
        pass

    @transition(field=state, source=T.IN_PROGRESS, target=T.DONE)
    def finish(self):
        self.effective_cancellation_date = timezone.now()

    @transition(field=state, source=[T.ACKNOWLEDGED, T.IN_PROGRESS], target=T.TERMINATED_WITH_ERROR)
    def fail(self):
        pass
