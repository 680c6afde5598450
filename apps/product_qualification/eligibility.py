"""Commercial eligibility of the offerings in one request: lifecycle, characteristics, requirements (catalog
`requires` relationships and EligibilityRule rows), customer segment, quantity, exclusions."""
from collections import Counter

from django.db.models import Q

from apps.parties.selectors import party_get
from apps.product_catalog.selectors import (product_offering_by_name, product_offering_characteristics_errors,
                                            product_offering_get, product_offering_is_sellable)
from apps.product_inventory.selectors import product_list

from .choices import QualificationResult as R, RuleKind
from .models import EligibilityRule

OWNED_STATUSES = ("created", "pendingActive", "active", "suspended")


def reason(code, label):
    return {"code": code, "label": label}


def alternate(offering) -> dict:
    return {"offering_id": str(offering.pk), "offering_name": offering.name, "offering_version": offering.version}


def _owns(customer_party_id: str, offering_name: str) -> bool:
    return bool(customer_party_id) and product_list().filter(
        customer_party_id=customer_party_id, offering_name=offering_name, status__in=OWNED_STATUSES).exists()


def _excluded(rule, name: str) -> str:
    """The other side of an exclusion rule, seen from offering `name`."""
    return rule.excluded_offering_name if rule.offering_name == name else rule.offering_name


def evaluate(*, items: list, customer_party_id: str = "") -> list[dict]:
    """One {"result", "reasons", "alternates", "offering"} per item (items: objects with offering_id,
    offering_version, characteristics, action, and optionally quantity)."""
    offerings = [product_offering_get(offering_id=i.offering_id, version=i.offering_version or None)
                 if i.offering_id else None for i in items]
    names_in_request = Counter()  # offering name → how many are asked for (a cart item's quantity counts)
    for item, offering in zip(items, offerings):
        if offering is not None:
            names_in_request[offering.name] += getattr(item, "quantity", 1) or 1
    customer = party_get(party_id=customer_party_id) if customer_party_id else None
    outcomes = []
    for item, offering in zip(items, offerings):
        out = {"result": R.UNQUALIFIED, "reasons": [], "alternates": [], "offering": offering}
        outcomes.append(out)
        if not item.offering_id:
            out["reasons"].append(reason("OFFERING_MISSING", "no product offering was given"))
            continue
        if offering is None:
            out["reasons"].append(reason("OFFERING_UNKNOWN", f"unknown product offering {item.offering_id}"))
            continue
        if item.action == "add" and not product_offering_is_sellable(offering=offering):
            out["reasons"].append(reason("OFFERING_NOT_SELLABLE", f"{offering.name} v{offering.version} is "
                                                                  f"{offering.lifecycle_status}, not sellable"))
            newest = product_offering_get(offering_id=str(offering.lineage))
            if newest is not None and newest.pk != offering.pk and product_offering_is_sellable(offering=newest):
                out["alternates"].append(alternate(newest))
        for error in product_offering_characteristics_errors(offering=offering, values=item.characteristics):
            out["reasons"].append(reason("CHARACTERISTIC_NOT_ALLOWED", error))
        # An exclusion binds both offerings, so it is found from either side.
        rules = list(EligibilityRule.objects.filter(
            Q(offering_name=offering.name) | Q(kind=RuleKind.EXCLUDES, excluded_offering_name=offering.name),
            is_active=True))
        required = [rel.target.name for rel in offering.relationships.all() if rel.relationship_type == "requires"]
        required += [r.required_offering_name for r in rules if r.kind == RuleKind.REQUIRES]
        for name in dict.fromkeys(required):
            if name not in names_in_request and not _owns(customer_party_id, name):
                out["reasons"].append(reason("REQUIRED_OFFERING_MISSING",
                                             f"{offering.name} requires {name} (in the same request or owned)"))
        for rule in rules:
            if rule.kind == RuleKind.SEGMENT and customer is not None and customer.segment not in rule.segments:
                out["reasons"].append(reason("SEGMENT_NOT_ELIGIBLE", f"{offering.name} is for {', '.join(rule.segments)}"
                                                                     f" customers, not {customer.segment or 'unknown'}"))
            elif rule.kind == RuleKind.QUANTITY and rule.max_quantity is not None \
                    and names_in_request[offering.name] > rule.max_quantity:
                out["reasons"].append(reason("QUANTITY_EXCEEDED", f"at most {rule.max_quantity} x {offering.name}"))
            elif rule.kind == RuleKind.EXCLUDES and _excluded(rule, offering.name) in names_in_request:
                out["reasons"].append(reason("OFFERING_EXCLUDED", f"{offering.name} cannot be ordered together with "
                                                                  f"{_excluded(rule, offering.name)}"))
            else:
                continue
            if rule.alternate_offering_name and rule.offering_name == offering.name:  # proposed for its own offering
                proposed = product_offering_by_name(name=rule.alternate_offering_name)
                if proposed is not None and product_offering_is_sellable(offering=proposed):
                    out["alternates"].append(alternate(proposed))
        if not out["reasons"]:
            out["result"] = R.QUALIFIED
        elif out["alternates"]:
            out["result"] = R.ALTERNATE
    return outcomes
