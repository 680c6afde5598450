import uuid

from django.db import models
from django.conf import settings

from .choices import PartyKind, Segment


class Party(models.Model):
    """A customer (individual or organization), or a sales channel / partner that calls our APIs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PartyKind.choices)
    segment = models.CharField(max_length=20, choices=Segment.choices, blank=True)
    # Customers belong to the channel that acquired them: that channel may act for them.
    channel = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="customers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "parties"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.kind})"


class BillingAccount(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="billing_accounts")
    currency = models.CharField(max_length=3, default="EUR")

    def __str__(self):
        return self.name


class ApiClient(models.Model):
    """Binds an OAuth2 application to the channel or partner it acts for, with its granted scopes."""

    application = models.OneToOneField(settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="api_client")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="api_clients")
    scopes = models.CharField(max_length=1000, help_text="space-separated, e.g. 'tmf620.read tmf622.write'")

    def __str__(self):
        return self.application.name

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
