import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from bss.errors import NotFound

from .choices import PartyKind
from .models import ApiClient, BillingAccount, Party


def party_get_or_create(*, name: str, kind: str, segment: str = "", channel: Party | None = None) -> Party:
    party, _ = Party.objects.get_or_create(name=name, kind=kind, defaults={"segment": segment, "channel": channel})
    return party


def billing_account_get_or_create(*, name: str, party: Party, currency: str = "EUR") -> BillingAccount:
    account, _ = BillingAccount.objects.get_or_create(name=name, party=party, defaults={"currency": currency})
    return account


@transaction.atomic
def api_client_register(*, name: str, party: Party, scopes: list[str], client_secret: str | None = None) -> ApiClient:
    """A confidential client-credentials application bound to a channel or partner. Idempotent by name."""
    if party.kind not in (PartyKind.CHANNEL, PartyKind.PARTNER):
        raise ValueError("API clients act for channels or partners")
    application, created = Application.objects.get_or_create(
        name=name,
        defaults={
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS,
            "client_secret": client_secret or secrets.token_urlsafe(32),
            "hash_client_secret": True,
        },
    )
    client, _ = ApiClient.objects.update_or_create(application=application,
                                                   defaults={"party": party, "scopes": " ".join(scopes)})
    return client


def token_issue(*, client_name: str, scopes: list[str] | None = None) -> AccessToken:
    """A fresh access token for a registered client (ops, demos, the CTK runner)."""
    client = ApiClient.objects.select_related("application").filter(application__name=client_name).first()
    if client is None:
        raise NotFound(f"no API client named {client_name!r}")
    granted = client.scope_list if scopes is None else [s for s in scopes if s in client.scope_list]
    return AccessToken.objects.create(
        application=client.application,
        token=secrets.token_urlsafe(32),
        expires=timezone.now() + timedelta(seconds=settings.OAUTH2_PROVIDER.get("ACCESS_TOKEN_EXPIRE_SECONDS", 3600)),
        scope=" ".join(granted),
    )
