"""Demo service inventory: one active service per family for the demo channel's customer, and a back-office
client ("demo-backoffice", a partner) allowed to write TMF638 and TMF641 (orchestrators, the CTK)."""
from django.utils import timezone

from apps.parties.choices import PartyKind
from apps.parties.services import api_client_register, party_get_or_create

from .models import Service
from .services import service_create

BACKOFFICE_CLIENT = "demo-backoffice"
BACKOFFICE_SCOPES = ["tmf638.read", "tmf638.write", "tmf641.read", "tmf641.write"]

# family → (characteristics as the network runs them, supporting resource (type, id))
SERVICES = {
    "fibre_access": ({"access.rate": "1G", "access_port": "olt1/1/7", "vlan_id": "vlan_id-0000a1b2",
                      "ont_state": "active", "line_test": "passed"}, ("AccessPort", "olt1/1/7")),
    "ip_address": ({"ipam.allocation": "static", "ipv4_address": "10.1.2.3", "routing": "static"},
                   ("IPAddress", "10.1.2.3")),
    "managed_cpe": ({"acs.device_model": "Cisco C1111", "cpe_serial": "cpe_serial-00c0ffee",
                     "cpe_state": "managed"}, ("CPE", "cpe_serial-00c0ffee")),
    "iptv": ({"mw.package": "basic", "iptv_subscriber": "iptv_subscriber-0000beef", "entitlement": "active"},
             ("IPTVAccount", "iptv_subscriber-0000beef")),
    "voip": ({"sip.codec": "G.711", "phone_number": "+31201234567", "sip_account": "sip_account-0000cafe"},
             ("PhoneNumber", "+31201234567")),
    "mobile": ({"pcrf.quota_gb": 20, "msisdn": "+31612345678", "imsi": "imsi-00001234", "sim_state": "active"},
               ("SIM", "imsi-00001234")),
}


def seed():
    partner = party_get_or_create(name="Demo Back Office", kind=PartyKind.PARTNER)
    api_client_register(name=BACKOFFICE_CLIENT, party=partner, scopes=BACKOFFICE_SCOPES)
    channel = party_get_or_create(name="Demo Channel", kind=PartyKind.CHANNEL)
    customer = party_get_or_create(name="ACME Corp", kind=PartyKind.ORGANIZATION, channel=channel)
    created = 0
    for family, (characteristics, (resource_type, resource_id)) in SERVICES.items():
        name = f"Demo {family.replace('_', ' ')}"
        if Service.objects.filter(name=name, owner_party_id=str(channel.pk)).exists():
            continue
        service_create(spec_id=f"demo-{family}", spec_name=name, spec_version="1.0", family=family, name=name,
                       state="active", owner_party_id=str(channel.pk), start_date=timezone.now(),
                       characteristics=characteristics, category="demo",
                       supporting_resources=[{"id": resource_id, "name": resource_type, "type": resource_type}],
                       related_parties=[{"id": str(customer.pk), "name": customer.name, "role": "customer",
                                         "type": "Organization"}])
        created += 1
    return f"{created} demo services, {BACKOFFICE_CLIENT} client"
