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
    user_model = get_user_model()
    admin, created = user_model.objects.get_or_create(username="admin", defaults={"is_staff": True,
                                                                                 "is_superuser": True})
    if created:
        admin.set_password(os.environ.get("BSS_ADMIN_PASSWORD", "admin"))
        admin.save()
    admin.groups.add(Group.objects.get(name="admin"))

    channel = party_get_or_create(name="Demo Channel", kind=PartyKind.CHANNEL)
    api_client_register(name=DEMO_CHANNEL, party=channel, scopes=channel_scopes())
    # The conformance runner (catalog kits, schemathesis) writes everywhere, as its own partner.
    lab = party_get_or_create(name="Conformance Lab", kind=PartyKind.PARTNER)
    api_client_register(name=CONFORMANCE_CLIENT, party=lab,
                        scopes=[f"{api}.{kind}" for api in settings.BSS_TMF_APIS for kind in ("read", "write")])
    acme = party_get_or_create(name="ACME Corp", kind=PartyKind.ORGANIZATION, segment=Segment.BUSINESS,
                               channel=channel)
    jane = party_get_or_create(name="Jane Doe", kind=PartyKind.INDIVIDUAL, segment=Segment.RESIDENTIAL,
                               channel=channel)
    billing_account_get_or_create(name="ACME main account", party=acme)
    billing_account_get_or_create(name="Jane Doe account", party=jane)
    return "admin user, demo-channel and conformance-lab clients, 2 customers"
