import uuid

from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .choices import QualificationResult, RuleKind, TaskState as S


class EligibilityRule(models.Model):
    """A commercial eligibility rule kept by catalog managers (besides the catalog's own `requires` relationships).

    Offerings are named (names are stable across versions)."""

    offering_name = models.CharField(max_length=200, db_index=True)
    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    required_offering_name = models.CharField(max_length=200, blank=True, help_text="kind=requires")
    segments = models.JSONField(default=list, blank=True, help_text='kind=segment, e.g. ["business"]')
    max_quantity = models.PositiveIntegerField(null=True, blank=True, help_text="kind=quantity")
    excluded_offering_name = models.CharField(max_length=200, blank=True, help_text="kind=excludes")
    alternate_offering_name = models.CharField(max_length=200, blank=True,
                                               help_text="proposed instead when the rule is not met")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["offering_name", "kind", "id"]

    def __str__(self):
        return f"{self.offering_name}: {self.kind}"


class ProductOfferingQualification(ConcurrentTransitionMixin, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey("parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = FSMField(choices=S.choices, default=S.ACKNOWLEDGED, protected=True)
    description = models.TextField(blank=True)
    instant_sync = models.BooleanField(default=True)
    provide_alternative = models.BooleanField(default=True)
    provide_only_available = models.BooleanField(default=False)
    provide_unavailability_reason = models.BooleanField(default=True)
    qualification_result = models.CharField(max_length=20, choices=QualificationResult.choices, blank=True)
    customer_party_id = models.CharField(max_length=64, blank=True, db_index=True)
    related_parties = models.JSONField(default=list, blank=True)
    channel = models.JSONField(null=True, blank=True)  # {"id", "name"} as given
    requested_completion_date = models.DateTimeField(null=True, blank=True)
    effective_qualification_date = models.DateTimeField(null=True, blank=True)
    expiration_date = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # why it ended terminatedWithError
    at_type = models.CharField(max_length=100, blank=True)
    at_base_type = models.CharField(max_length=100, blank=True)
    at_schema_location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]

    @property
    def is_valid_now(self) -> bool:
        """Done, positive (qualified or alternate) and not expired: what an order may rely on."""
        return (self.state == S.DONE and self.qualification_result != QualificationResult.UNQUALIFIED
                and (self.expiration_date is None or self.expiration_date > timezone.now()))

    @transition(field=state, source=S.ACKNOWLEDGED, target=S.IN_PROGRESS)
    def start(self):
        pass

    @transition(field=state, source=S.IN_PROGRESS, target=S.DONE)
    def complete(self):
        pass

    @transition(field=state, source=[S.ACKNOWLEDGED, S.IN_PROGRESS], target=S.TERMINATED_WITH_ERROR)
    def fail(self):
        pass


class ProductOfferingQualificationItem(models.Model):
    qualification = models.ForeignKey(ProductOfferingQualification, on_delete=models.CASCADE, related_name="items")
    item_id = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=20, default="add")
    offering_id = models.CharField(max_length=64, blank=True)
    offering_version = models.CharField(max_length=50, blank=True)
    offering_name = models.CharField(max_length=200, blank=True)
    characteristics = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=30, default=S.ACKNOWLEDGED)
    qualification_result = models.CharField(max_length=20, choices=QualificationResult.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)  # [{"code", "label"}]
    alternates = models.JSONField(default=list, blank=True)  # [{"offering_id", "offering_name", "offering_version"}]

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["qualification", "item_id"], name="poq_item_unique_id")]
