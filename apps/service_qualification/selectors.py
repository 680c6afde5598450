from django.db.models import QuerySet
from django.utils import timezone

from apps.network.selectors import serving_element_capacity
from apps.service_catalog.selectors import service_specification_activation

from .choices import QualificationResult as R, TaskState as S
from .feasibility import address_find, no_free_port_label, serving_element_at
from .models import CheckServiceQualification, GeographicAddress, QueryServiceQualification


def check_service_qualification_list() -> QuerySet[CheckServiceQualification]:
    return CheckServiceQualification.objects.prefetch_related("items")


def check_service_qualification_get(*, qualification_id) -> CheckServiceQualification | None:
    try:
        return check_service_qualification_list().filter(pk=qualification_id).first()
    except (ValueError, TypeError, Exception):  # malformed uuid → unknown
        return None


def check_service_qualification_problem(*, qualification_id: str, owner_id) -> str | None:
    """Why a check cannot be relied on now (None when it can): unknown (or another channel's), not done, expired,
    or not qualified (an alternate is a proposal, not what was asked)."""
    task = check_service_qualification_get(qualification_id=qualification_id)
    if task is None or task.owner_id != owner_id:  # another channel's check is as good as unknown
        return f"service qualification {qualification_id} is unknown"
    if task.state != S.DONE:
        return f"service qualification {qualification_id} is {task.state}, not done"
    if task.expiration_date is not None and task.expiration_date <= timezone.now():
        return f"service qualification {qualification_id} expired at {task.expiration_date.isoformat()}"
    if task.qualification_result != R.QUALIFIED:
        return f"service qualification {qualification_id} is {task.qualification_result or 'without result'}, " \
               "not qualified"
    return None


def query_service_qualification_list() -> QuerySet[QueryServiceQualification]:
    return QueryServiceQualification.objects.all()


def query_service_qualification_get(*, qualification_id) -> QueryServiceQualification | None:
    try:
        return query_service_qualification_list().filter(pk=qualification_id).first()
    except (ValueError, TypeError, Exception):
        return None


# --- for ordering and activation: where a service at an address takes its access port ---------------------

def geographic_address_get(*, address_id) -> GeographicAddress | None:
    """A known address by id (the id a TMF645 answer names); None for an unknown or malformed id."""
    return address_find({"id": address_id}) if address_id else None


def serving_element_for(*, address_id, family: str) -> str:
    """The element whose access port a service of this family takes at the address, by the coverage data TMF645
    checks capacity with; "" when the family takes no port, the address is unknown or its coverage names none."""
    address = geographic_address_get(address_id=address_id)
    return serving_element_at(address, family)[1] if address is not None else ""


def service_port_shortage(*, address_id, service_specs) -> str | None:
    """Why services of these specs ((id, version) pairs) cannot all get an access port at the address now: the
    element one of them would take it at is full. None otherwise; an element the network does not know or cannot
    answer for does not limit, as in a TMF645 check. An answer at a moment, not a reservation."""
    address = geographic_address_get(address_id=address_id)
    for spec_id, version in service_specs if address is not None else ():
        spec = service_specification_activation(spec_id=spec_id, version=version or None)
        technology, element = serving_element_at(address, spec["family"]) if spec else ("", "")
        capacity = serving_element_capacity(element=element) if element else None
        if capacity is not None and capacity["free_ports"] == 0:
            return no_free_port_label(capacity, technology)
    return None
