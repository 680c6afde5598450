"""Demo eligibility rules (beside the catalog's own: IPTV Basic requires Home Broadband 500 Mbps)."""
from .choices import RuleKind
from .models import EligibilityRule

RULES = [
    {"offering_name": "Business Fiber 1 Gbps", "kind": RuleKind.SEGMENT, "segments": ["business"],
     "alternate_offering_name": "Home Broadband 500 Mbps"},
    {"offering_name": "Home Broadband 500 Mbps", "kind": RuleKind.SEGMENT, "segments": ["residential"],
     "alternate_offering_name": "Business Fiber 1 Gbps"},
    {"offering_name": "Mobile 20 GB plan", "kind": RuleKind.QUANTITY, "max_quantity": 5},
    {"offering_name": "IPTV Basic", "kind": RuleKind.QUANTITY, "max_quantity": 1},
    # one fixed access per order: business and home broadband are never sold together
    {"offering_name": "Business Fiber 1 Gbps", "kind": RuleKind.EXCLUDES,
     "excluded_offering_name": "Home Broadband 500 Mbps"},
]


def seed():
    for rule in RULES:
        EligibilityRule.objects.get_or_create(offering_name=rule["offering_name"], kind=rule["kind"], defaults=rule)
    seed_qualifications()
    return f"{len(RULES)} eligibility rules"


def seed_qualifications():
    """Two qualifications of the demo channel (once): IPTV alone, and broadband with IPTV."""
    from apps.parties.choices import PartyKind
    from apps.parties.services import party_get_or_create
    from apps.product_catalog.selectors import product_offering_by_name

    from .models import ProductOfferingQualification
    from .services import product_offering_qualification_create

    channel = party_get_or_create(name="Demo Channel", kind=PartyKind.CHANNEL)
    if ProductOfferingQualification.objects.filter(owner=channel).exists():
        return
    for names in (["IPTV Basic"], ["Home Broadband 500 Mbps", "IPTV Basic"]):
        offerings = [product_offering_by_name(name=name) for name in names]
        product_offering_qualification_create(owner=channel, attributes={"description": " + ".join(names)}, items=[
            {"item_id": str(index + 1), "offering_id": str(o.pk)} for index, o in enumerate(offerings) if o])
