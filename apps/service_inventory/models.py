"""Deployed service instances (TMF638): operational truth, written progressively by activation."""
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from bss.models import TMFEntity

from .choices import OperatingStatus, ServiceState

S = ServiceState
LIVE = [S.FEASIBILITY_CHECKED, S.DESIGNED, S.RESERVED, S.INACTIVE, S.ACTIVE]


class Service(ConcurrentTransitionMixin, TMFEntity):
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)
    service_type = models.CharField(max_length=100, blank=True)
    spec_id = models.CharField(max_length=64, db_index=True)
    spec_version = models.CharField(max_length=30, blank=True)
    spec_name = models.CharField(max_length=200, blank=True)
    family = models.CharField(max_length=30, blank=True, db_index=True, help_text="activator family")
    state = FSMField(choices=ServiceState.choices, default=S.DESIGNED, protected=True, db_index=True)
    operating_status = models.CharField(max_length=10, choices=OperatingStatus.choices, default=OperatingStatus.OK)
    service_date = models.DateTimeField(default=timezone.now, db_index=True)
    start_date = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    start_mode = models.CharField(max_length=30, blank=True)
    is_bundle = models.BooleanField(null=True)
    is_service_enabled = models.BooleanField(null=True)
    is_stateful = models.BooleanField(null=True)
    has_started = models.BooleanField(null=True)
    # Applied configuration: {name: value}, as the network runs it.
    characteristics = models.JSONField(default=dict, blank=True)
    # References: lists of {"id", "name", "type"} (resources, services) and {"id", "role", "name"} (parties).
    supporting_resources = models.JSONField(default=list, blank=True)
    supporting_services = models.JSONField(default=list, blank=True)
    related_parties = models.JSONField(default=list, blank=True)
    # Which order items built or changed it: [{"service_order_id", "item_id", "action"}].
    order_items = models.JSONField(default=list, blank=True)
    # Descriptive lists kept as given by back-office clients (place, feature, note, relationships).
    places = models.JSONField(default=list, blank=True)
    features = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    service_relationships = models.JSONField(default=list, blank=True)
    related_entities = models.JSONField(default=list, blank=True)
    owner_party_id = models.CharField(max_length=64, blank=True, db_index=True,
                                      help_text="channel/partner whose orders built it")

    class Meta:
        ordering = ["-created_at"]
        # A channel's filtered lists (bench/lists.py): the page is an index range scan in list order and the
        # X-Total-Count an index-only scan, instead of a scan of every service the channel owns.
        indexes = [
            models.Index(fields=["owner_party_id", "state", "created_at"], name="service_owner_state_idx"),
            models.Index(fields=["owner_party_id", "spec_id", "state", "created_at"], name="service_owner_spec_idx"),
            models.Index(fields=["owner_party_id", "family", "service_date"], name="service_owner_family_idx"),
        ]

    def __str__(self):
        return f"{self.spec_name or self.spec_id} {self.pk} ({self.state})"

    # --- transitions: this row only ---
    # Any live state may be the initial one (back-office creation); afterwards the lifecycle only moves on.
    @transition(field=state, source=[S.FEASIBILITY_CHECKED], target=S.DESIGNED)
    def design(self):
        pass

    @transition(field=state, source=[S.FEASIBILITY_CHECKED, S.DESIGNED], target=S.RESERVED)
    def reserve(self):
        pass

    @transition(field=state, source=[S.DESIGNED, S.RESERVED, S.ACTIVE], target=S.INACTIVE)
    def deactivate(self):
        pass

    @transition(field=state, source=[S.DESIGNED, S.RESERVED, S.INACTIVE], target=S.ACTIVE)
    def activate(self):
        self.start_date = self.start_date or timezone.now()
        self.has_started = True

    @transition(field=state, source=LIVE, target=S.TERMINATED)
    def terminate(self):
        self.end_date = timezone.now()
