"""Demo service catalog: one CFS per service family (fibre access also has its RFS), all active.

Idempotent: a specification that exists by name is left as it is. The product catalog's seed calls this first."""
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .catalog_base import LifecycleStatus
from .choices import ServiceFamily, SpecKind
from .selectors import service_catalog_queryset, service_specification_by_name
from .services import (service_candidate_create, service_catalog_create, service_category_create,
                       service_specification_create)

CATALOG_GROUPS = ("catalog manager", "admin")
STEPS = {"reserve": 30, "configure": 60, "activate": 60}


def char(name, value_type="string", allowed=(), default=None, mandatory=False):
    return {"name": name, "value_type": value_type, "allowed_values": list(allowed), "default_value": default,
            "min_cardinality": 1 if mandatory else 0, "max_cardinality": 1}


def activation(family, activator, reconcile_every, template):
    return {"family": family, "activator": activator, "step_timeouts": STEPS,
            "reconcile_every_seconds": reconcile_every,
            "config_template": template}


# name → (kind, characteristics, activation, relies on)
SPECS = {
    "Fibre Access RFS": (SpecKind.RFS, [char("bandwidth", allowed=["500M", "1G"], mandatory=True)],
                         activation(ServiceFamily.FIBRE_ACCESS, "fibre_olt", 300, {"bandwidth": "olt.service_profile"}),
                         []),
    "Fibre Access": (SpecKind.CFS, [char("bandwidth", allowed=["500M", "1G"], default="1G", mandatory=True)],
                     activation(ServiceFamily.FIBRE_ACCESS, "fibre_access", 300, {"bandwidth": "access.rate"}),
                     ["Fibre Access RFS"]),
    "IP Address": (SpecKind.CFS, [char("ip_type", allowed=["static", "dynamic"], default="dynamic", mandatory=True)],
                   activation(ServiceFamily.IP_ADDRESS, "ipam", 600, {"ip_type": "ipam.allocation"}), []),
    "Managed CPE": (SpecKind.CFS, [char("router_model", allowed=["FRITZ!Box 7590", "Cisco C1111"],
                                        default="Cisco C1111", mandatory=True)],
                    activation(ServiceFamily.MANAGED_CPE, "cpe_acs", 900, {"router_model": "acs.device_model"}), []),
    "IPTV": (SpecKind.CFS, [char("channel_package", allowed=["basic", "premium"], default="basic", mandatory=True)],
             activation(ServiceFamily.IPTV, "iptv_middleware", 900, {"channel_package": "mw.package"}), []),
    "VoIP": (SpecKind.CFS, [char("phone_number"), char("codec", allowed=["G.711", "G.722"], default="G.711")],
             activation(ServiceFamily.VOIP, "sip_platform", 600, {"phone_number": "sip.msisdn", "codec": "sip.codec"}),
             []),
    "Mobile Subscription": (SpecKind.CFS, [char("data_allowance_gb", "integer", allowed=[20], default=20,
                                                mandatory=True), char("msisdn")],
                            activation(ServiceFamily.MOBILE, "hlr_pcrf", 300,
                                       {"data_allowance_gb": "pcrf.quota_gb", "msisdn": "hlr.msisdn"}), []),
}


def seed():
    specs = {}
    for name, (kind, characteristics, metadata, relies_on) in SPECS.items():  # dependencies come first
        specs[name] = service_specification_by_name(name=name) or service_specification_create(
            name=name, at_type=kind, characteristics=characteristics,
            relationships=[{"target_id": specs[target].pk, "relationship_type": "dependency"} for target in relies_on],
            lifecycle_status=LifecycleStatus.ACTIVE, **metadata)
    if not service_catalog_queryset().filter(name="Demo Service Catalog").exists():
        category = service_category_create(name="Network services", lifecycle_status=LifecycleStatus.ACTIVE)
        for spec in specs.values():
            if spec.is_cfs:
                service_candidate_create(name=spec.name, service_spec_id=spec.pk, category_ids=[category.pk],
                                         lifecycle_status=LifecycleStatus.ACTIVE)
        service_catalog_create(name="Demo Service Catalog", category_ids=[category.pk],
                               lifecycle_status=LifecycleStatus.ACTIVE)
    catalog_permissions_grant()
    return f"{len(specs)} service specifications"


# What catalog managers maintain besides the catalogs: eligibility rules (TMF679), and addresses and coverage,
# with the element serving each technology (TMF645). The qualification answers themselves are not theirs to edit.
REFERENCE_DATA = {"product_qualification": ("eligibilityrule",),
                  "service_qualification": ("geographicaddress", "coveragearea", "coverage")}


def catalog_permissions_grant():
    """Catalog managers and admins may change both catalogs and the qualification reference data; everyone else
    (operators) only reads them."""
    reference = Q()
    for app_label, models in REFERENCE_DATA.items():
        reference |= Q(content_type__app_label=app_label, content_type__model__in=models)
    permissions = Permission.objects.filter(Q(content_type__app_label__in=("product_catalog", "service_catalog"))
                                            | reference)
    for name in CATALOG_GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)
    operator, _ = Group.objects.get_or_create(name="operator")
    operator.permissions.add(*permissions.filter(codename__startswith="view_"))
