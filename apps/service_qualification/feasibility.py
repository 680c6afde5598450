"""Technical feasibility of one service at one place: address validation, coverage by technology and speed, and
capacity: a free access port at the serving element that the coverage names (read from apps.network.selectors)."""
import re
import uuid

from apps.network.selectors import serving_element_capacity
from apps.service_catalog.selectors import service_specification_activation, service_specification_list

from .choices import QualificationResult as R, Technology as T
from .models import GeographicAddress

# Which access technologies can carry a service of each family.
FAMILY_TECHNOLOGIES = {"fibre_access": [T.FIBRE], "ip_address": [T.FIBRE, T.DSL], "managed_cpe": [T.FIBRE, T.DSL],
                       "iptv": [T.FIBRE, T.DSL], "voip": [T.FIBRE, T.DSL], "mobile": [T.MOBILE]}
SPEED_CHARACTERISTIC = "bandwidth"
# Families whose activation takes an access port at the serving element (reserve_port); the others ride on it.
PORT_FAMILIES = {"fibre_access"}


def speed_mbps(value) -> int | None:
    """'1G' → 1000, '500M' → 500, 100 → 100; None when it is not a speed."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([GgMm]?)(?:bps|bit/s)?\s*", str(value))
    if not match:
        return None
    number = float(match.group(1))
    return int(number * 1000) if match.group(2).lower() == "g" else int(number)


def address_find(place: dict) -> GeographicAddress | None:
    """A known address by id, or by postcode + street name + number (case-insensitive)."""
    if not place:
        return None
    if place.get("id"):
        try:
            uuid.UUID(str(place["id"]))
        except ValueError:
            return None
        return GeographicAddress.objects.select_related("area").filter(pk=place["id"]).first()
    if not (place.get("postcode") and place.get("street_name")):
        return None
    return (GeographicAddress.objects.select_related("area")
            .filter(postcode__iexact=place["postcode"].strip(), street_name__iexact=place["street_name"].strip(),
                    street_nr__iexact=str(place.get("street_nr") or "").strip()).first())


def coverage_at(address: GeographicAddress) -> dict[str, int]:
    """{technology: max speed in Mbps} at the address."""
    if address.area_id is None:
        return {}
    return {c.technology: c.max_speed_mbps for c in address.area.coverages.all()}


def technologies_without_free_port(address: GeographicAddress, technologies) -> dict[str, dict]:
    """{technology: capacity} where the serving element has no free port. An element the network does not know,
    or whose platform reports no capacity, does not limit."""
    full = {}
    for coverage in address.area.coverages.all():
        if coverage.technology in technologies and coverage.serving_element:
            capacity = serving_element_capacity(element=coverage.serving_element)
            if capacity is not None and capacity["free_ports"] == 0:
                full[coverage.technology] = capacity
    return full


def serving_element_at(address: GeographicAddress, family: str) -> tuple[str, str]:
    """(technology, element) whose access port a service of this family takes at the address: the first of the
    family's technologies whose coverage there names an element; ("", "") when it takes no port or none is named."""
    if family not in PORT_FAMILIES or address.area_id is None:
        return "", ""
    named = {c.technology: c.serving_element for c in address.area.coverages.all() if c.serving_element}
    return next(((tech, named[tech]) for tech in FAMILY_TECHNOLOGIES[family] if tech in named), ("", ""))


def no_free_port_label(capacity: dict, technology: str) -> str:
    return (f"no free port at {capacity['element']} ({capacity['used_ports']} of {capacity['total_ports']} "
            f"{technology} ports in use)")


def reason(code: str, label: str) -> dict:
    return {"code": code, "label": label}


def evaluate(*, spec_id: str, spec_version: str, characteristics: dict, place: dict) -> dict:
    """{"result", "reasons", "alternates", "address_id", "spec": activation facts or None}."""
    out = {"result": R.UNQUALIFIED, "reasons": [], "alternates": [], "address_id": "", "spec": None}
    spec = service_specification_activation(spec_id=spec_id, version=spec_version or None) if spec_id else None
    out["spec"] = spec
    if not place:
        out["reasons"].append(reason("ADDRESS_MISSING", "no place was given for the service"))
    address = address_find(place)
    if place and address is None:
        out["reasons"].append(reason("ADDRESS_NOT_FOUND", "the address is not a known geographic address"))
    if not spec_id:
        out["reasons"].append(reason("SERVICE_SPECIFICATION_MISSING", "no service specification was given"))
    elif spec is None:
        out["reasons"].append(reason("SERVICE_SPECIFICATION_UNKNOWN", f"unknown service specification {spec_id}"))
    if address is not None:
        out["address_id"] = str(address.pk)
    if out["reasons"]:
        return out
    coverage = coverage_at(address)
    if not coverage:
        out["reasons"].append(reason("NO_COVERAGE", f"no network coverage at {address}"))
        return out
    technologies = FAMILY_TECHNOLOGIES.get(spec["family"], list(T.values))
    defaults = {c["name"]: c["default"] for c in spec["characteristics"] if c["default"] is not None}
    values = {**defaults, **characteristics}
    wanted = speed_mbps(values[SPEED_CHARACTERISTIC]) if SPEED_CHARACTERISTIC in values else None
    available = {tech: coverage[tech] for tech in technologies if tech in coverage}
    full = technologies_without_free_port(address, available) if spec["family"] in PORT_FAMILIES else {}
    available = {tech: speed for tech, speed in available.items() if tech not in full}
    if available and (wanted is None or max(available.values()) >= wanted):
        out["result"] = R.QUALIFIED
        return out
    for tech, capacity in full.items():
        out["reasons"].append(reason("NO_FREE_PORT", no_free_port_label(capacity, tech)))
    if available:
        best = max(available.values())
        out["reasons"].append(reason("INSUFFICIENT_SPEED", f"{values[SPEED_CHARACTERISTIC]} requested, at most "
                                                           f"{best} Mbps available"))
        allowed = next((c["allowed_values"] for c in spec["characteristics"] if c["name"] == SPEED_CHARACTERISTIC), [])
        fitting = sorted((v for v in allowed if (speed_mbps(v) or 0) <= best), key=lambda v: speed_mbps(v) or 0)
        if fitting:
            out["alternates"].append({"service_spec_id": spec["id"], "service_spec_name": spec["name"],
                                      "service_spec_version": spec["version"],
                                      "characteristics": {**characteristics, SPEED_CHARACTERISTIC: fitting[-1]},
                                      "technology": next(t for t, s in available.items() if s == best)})
    else:
        if not full:
            out["reasons"].append(reason("TECHNOLOGY_NOT_AVAILABLE",
                                         f"{'/'.join(technologies)} not available at {address}"))
        if T.MOBILE in coverage and T.MOBILE not in technologies:
            mobile = next((s for s in service_specification_list(family="mobile") if s.is_cfs), None)
            if mobile is not None:
                out["alternates"].append({"service_spec_id": str(mobile.pk), "service_spec_name": mobile.name,
                                          "service_spec_version": mobile.version, "characteristics": {},
                                          "technology": T.MOBILE})
    out["result"] = R.ALTERNATE if out["alternates"] else R.UNQUALIFIED
    return out


def services_available(*, place: dict) -> tuple[list[dict], list[dict], str]:
    """(qualifying customer-facing service specs at the place, reasons when none can be checked, address id)."""
    address = address_find(place)
    if address is None:
        code = ("ADDRESS_NOT_FOUND", "the address is not a known geographic address") if place else \
            ("ADDRESS_MISSING", "no place was given in the search criteria")
        return [], [reason(*code)], ""
    found = []
    for spec in service_specification_list():
        if not spec.is_cfs:
            continue
        outcome = evaluate(spec_id=str(spec.pk), spec_version=spec.version, characteristics={}, place=place)
        if outcome["result"] == R.QUALIFIED:
            found.append({"service_spec_id": str(spec.pk), "service_spec_name": spec.name,
                          "service_spec_version": spec.version})
    return found, [], str(address.pk)
