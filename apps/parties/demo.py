"""Demo parties: staff groups and the admin user, the demo channel with its OAuth client, customers."""
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .choices import PartyKind, Segment
from .services import api_client_register, billing_account_get_or_create, party_get_or_create

STAFF_GROUPS = ("operator", "catalog manager", "admin")
DEMO_CHANNEL = "demo-channel"
CONFORMANCE_CLIENT = "conformance-lab"
# What a sales channel may do: read everything public, write its own orders, carts and qualifications.
CHANNEL_WRITE_APIS = ("tmf622", "tmf663", "tmf679", "tmf645")


def channel_scopes() -> list[str]:
    return [f"{api}.read" for api in settings.BSS_TMF_APIS] + [f"{api}.write" for api in CHANNEL_WRITE_APIS]


def seed():
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)
    created = [admin_user_seed()]
    channel = party_get_or_create(name="Demo Channel", kind=PartyKind.CHANNEL)
    if settings.BSS_DEMO_ACCESS:
        api_client_register(name=DEMO_CHANNEL, party=channel, scopes=channel_scopes())
        # The conformance runner (catalog kits, schemathesis) writes everywhere, as its own partner.
        lab = party_get_or_create(name="Conformance Lab", kind=PartyKind.PARTNER)
        api_client_register(name=CONFORMANCE_CLIENT, party=lab,
                            scopes=[f"{api}.{kind}" for api in settings.BSS_TMF_APIS for kind in ("read", "write")])
        created.append("demo-channel and conformance-lab clients")
    else:
        created.append("no API clients (BSS_DEMO_ACCESS is off)")
    acme = party_get_or_create(name="ACME Corp", kind=PartyKind.ORGANIZATION, segment=Segment.BUSINESS,
                               channel=channel)
    jane = party_get_or_create(name="Jane Doe", kind=PartyKind.INDIVIDUAL, segment=Segment.RESIDENTIAL,
                               channel=channel)
    billing_account_get_or_create(name="ACME main account", party=acme)
    billing_account_get_or_create(name="Jane Doe account", party=jane)
    return ", ".join(created + ["2 customers"])


def admin_user_seed() -> str:
    """The staff user `admin`. Its demo password `admin` only where demo access is on; elsewhere the user exists
    only when BSS_ADMIN_PASSWORD names another password (or an operator runs createsuperuser)."""
    password = os.environ.get("BSS_ADMIN_PASSWORD") or "admin"
    if password == "admin" and not settings.BSS_DEMO_ACCESS:
        password = ""
    user_model = get_user_model()
    if not password and not user_model.objects.filter(username="admin").exists():
        return "no admin user (set BSS_ADMIN_PASSWORD, or run createsuperuser)"
    admin, created = user_model.objects.get_or_create(username="admin", defaults={"is_staff": True,
                                                                                 "is_superuser": True})
    if created:
        admin.set_password(password)
        admin.save()
    admin.groups.add(Group.objects.get(name="admin"))
    return "admin user"
