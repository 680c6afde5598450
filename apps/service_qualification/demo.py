"""Demo coverage: a fibre town, a DSL-and-mobile village, and an address with no coverage at all. The fibre is
served by OLTs of the simulated network; the early-fibre town's OLT has a single port (nearly full)."""
from apps.network.selectors import serving_element_capacity
from apps.network.services import serving_element_capacity_set

from .models import Coverage, CoverageArea, GeographicAddress

AREAS = {
    "BER-FTTH": ("Berlin Mitte (fibre)", {"fibre": 1000, "dsl": 100, "mobile": 300}),
    "VIL-DSL": ("Dorfhausen (copper)", {"dsl": 50, "mobile": 150}),
    "SLOW-FIBRE": ("Neustadt (early fibre)", {"fibre": 500}),
}
# (area code, technology) → (serving element, its access ports)
ELEMENTS = {("BER-FTTH", "fibre"): ("OLT-BER-01", 64), ("SLOW-FIBRE", "fibre"): ("OLT-NEU-01", 1)}
# (street, nr, postcode, city, area code or None)
ADDRESSES = [
    ("Friedrichstrasse", "100", "10117", "Berlin", "BER-FTTH"),
    ("Unter den Linden", "5", "10117", "Berlin", "BER-FTTH"),
    ("Dorfstrasse", "1", "99999", "Dorfhausen", "VIL-DSL"),
    ("Hauptstrasse", "7", "12345", "Neustadt", "SLOW-FIBRE"),
    ("Waldweg", "3", "88888", "Einsiedel", None),
]


def seed():
    areas = {}
    for code, (name, coverage) in AREAS.items():
        areas[code], _ = CoverageArea.objects.get_or_create(code=code, defaults={"name": name})
        for technology, speed in coverage.items():
            element, ports = ELEMENTS.get((code, technology), ("", 0))
            row, _ = Coverage.objects.get_or_create(area=areas[code], technology=technology,
                                                    defaults={"max_speed_mbps": speed, "serving_element": element})
            if element and not row.serving_element:  # coverage seeded before elements existed
                row.serving_element = element
                row.save(update_fields=["serving_element"])
            if element and serving_element_capacity(element=element) is None:  # an operator's resize stays
                serving_element_capacity_set(element=element, total_ports=ports)
    for street, nr, postcode, city, area in ADDRESSES:
        GeographicAddress.objects.get_or_create(postcode=postcode, street_name=street, street_nr=nr,
                                                defaults={"city": city, "area": areas.get(area)})
    seed_checks()
    return f"{len(AREAS)} coverage areas, {len(ADDRESSES)} addresses, {len(ELEMENTS)} serving elements"


def seed_checks():
    """Two checks and two queries of the demo channel (once), so the API has something to show."""
    from apps.parties.choices import PartyKind
    from apps.parties.services import party_get_or_create
    from apps.service_catalog.selectors import service_specification_by_name

    from .models import CheckServiceQualification
    from .services import check_service_qualification_create, query_service_qualification_create

    channel = party_get_or_create(name="Demo Channel", kind=PartyKind.CHANNEL)
    if CheckServiceQualification.objects.filter(owner=channel).exists():
        return
    fibre = service_specification_by_name(name="Fibre Access")
    for street, nr, postcode, _, _ in ADDRESSES[:3:2]:
        place = {"street_name": street, "street_nr": nr, "postcode": postcode}
        check_service_qualification_create(owner=channel, attributes={"description": f"fibre at {street}"}, items=[
            {"item_id": "1", "service_spec_id": str(fibre.pk) if fibre else "", "place": place,
             "characteristics": {"bandwidth": "1G"}}])
        query_service_qualification_create(owner=channel, attributes={"description": f"what at {street}"},
                                           search_criteria={"place": place, "service_spec_id": ""})
