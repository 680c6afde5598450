import uuid

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .choices import QualificationResult, TaskState as S, Technology


class CoverageArea(models.Model):
    """An area the network reaches (admin-maintained), e.g. a town or an exchange's footprint."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Coverage(models.Model):
    """One technology available in an area, with the best speed it offers there."""

    area = models.ForeignKey(CoverageArea, on_delete=models.CASCADE, related_name="coverages")
    technology = models.CharField(max_length=20, choices=Technology.choices)
    max_speed_mbps = models.PositiveIntegerField(help_text="best download speed in Mbit/s")
    serving_element = models.CharField(max_length=40, blank=True,
                                       help_text="the network element serving it here (e.g. OLT-BER-01): its free "
                                                 "access ports are checked")

    class Meta:
        ordering = ["area", "technology"]
        constraints = [models.UniqueConstraint(fields=["area", "technology"], name="coverage_once_per_technology")]

    def __str__(self):
        return f"{self.area.code}: {self.technology} {self.max_speed_mbps} Mbps"


class GeographicAddress(models.Model):
    """A known, validated address (admin-maintained); its area decides what can be delivered there."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    street_nr = models.CharField(max_length=20, blank=True)
    street_name = models.CharField(max_length=200)
    postcode = models.CharField(max_length=20)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=100, default="Germany")
    area = models.ForeignKey(CoverageArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="addresses")

    class Meta:
        ordering = ["postcode", "street_name", "street_nr"]
        constraints = [models.UniqueConstraint(fields=["postcode", "street_name", "street_nr"],
                                               name="geographic_address_once")]

    def __str__(self):
        return f"{self.street_name} {self.street_nr}, {self.postcode} {self.city}"


class QualificationTask(ConcurrentTransitionMixin, models.Model):
    """Shared shape of check and query: a task with TMF task states."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey("parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = FSMField(choices=S.choices, default=S.ACCEPTED, protected=True)
    description = models.TextField(blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    instant_sync = models.BooleanField(default=True)
    related_parties = models.JSONField(default=list, blank=True)
    expected_qualification_date = models.DateTimeField(null=True, blank=True)
    effective_qualification_date = models.DateTimeField(null=True, blank=True)
    expiration_date = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    at_type = models.CharField(max_length=100, blank=True)
    at_base_type = models.CharField(max_length=100, blank=True)
    at_schema_location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)  # the check/query date
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "id"]

    @transition(field=state, source=S.ACCEPTED, target=S.IN_PROGRESS)
    def start(self):
        pass

    @transition(field=state, source=S.IN_PROGRESS, target=S.DONE)
    def complete(self):
        pass

    @transition(field=state, source=[S.ACCEPTED, S.IN_PROGRESS], target=S.TERMINATED_WITH_ERROR)
    def fail(self):
        pass


class CheckServiceQualification(QualificationTask):
    provide_alternative = models.BooleanField(default=True)
    provide_unavailability_reason = models.BooleanField(default=True)
    qualification_result = models.CharField(max_length=20, choices=QualificationResult.choices, blank=True)

    class Meta(QualificationTask.Meta):
        pass


class CheckServiceQualificationItem(models.Model):
    """One service asked for at one place; results are written when the check runs."""

    qualification = models.ForeignKey(CheckServiceQualification, on_delete=models.CASCADE, related_name="items")
    item_id = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    service_spec_id = models.CharField(max_length=64, blank=True)
    service_spec_version = models.CharField(max_length=50, blank=True)
    service_spec_name = models.CharField(max_length=200, blank=True)
    characteristics = models.JSONField(default=dict, blank=True)
    place = models.JSONField(default=dict, blank=True)  # the place as given (ref or GeographicAddress value)
    address_id = models.CharField(max_length=64, blank=True)  # the validated address
    state = models.CharField(max_length=30, default=S.ACCEPTED)
    qualification_result = models.CharField(max_length=20, choices=QualificationResult.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)  # [{"code", "label"}]
    alternates = models.JSONField(default=list, blank=True)  # [{"service_spec_id", "name", "characteristics", ...}]

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["qualification", "item_id"], name="csq_item_unique_id")]


class QueryServiceQualification(QualificationTask):
    """Which services can be delivered at a place: the criteria in, the qualifying services out."""

    search_criteria = models.JSONField(default=dict, blank=True)  # {"place": {...}, "category": ..., "spec_id"}
    address_id = models.CharField(max_length=64, blank=True)
    results = models.JSONField(default=list, blank=True)  # [{"service_spec_id", "name", "version", "technology", ...}]
    reasons = models.JSONField(default=list, blank=True)

    class Meta(QualificationTask.Meta):
        pass
