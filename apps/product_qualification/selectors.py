from django.db.models import QuerySet
from django.utils import timezone

from .choices import QualificationResult as R, TaskState as S
from .eligibility import evaluate
from .models import ProductOfferingQualification


def product_offering_qualification_list() -> QuerySet[ProductOfferingQualification]:
    return ProductOfferingQualification.objects.prefetch_related("items")


def product_offering_qualification_get(*, qualification_id) -> ProductOfferingQualification | None:
    """The qualification (with `.state`, `.qualification_result` and `.is_valid_now`), or None when unknown."""
    try:
        return product_offering_qualification_list().filter(pk=qualification_id).first()
    except (ValueError, TypeError, Exception):  # malformed uuid → unknown
        return None


def product_offering_eligibility(*, items: list, customer_party_id: str = "") -> list[dict]:
    """TMF679's rules as they stand now, for another context's items (objects with offering_id, offering_version,
    characteristics, action and optionally quantity): one {"result", "reasons", "alternates", "offering"} each."""
    return evaluate(items=items, customer_party_id=customer_party_id)


def product_offering_qualification_item_problem(*, qualification_id: str, item_id: str, offering_name: str,
                                                owner_id) -> str | None:
    """Why a reference to item `item_id` of a qualification cannot be relied on for `offering_name` (None when it
    can): unknown (or another channel's), not done, no such item, about another offering, expired or unqualified."""
    task = product_offering_qualification_get(qualification_id=qualification_id)
    if task is None or task.owner_id != owner_id:  # another channel's qualification is as good as unknown
        return f"qualification {qualification_id} is unknown"
    if task.state != S.DONE:
        return f"qualification {qualification_id} is {task.state}, not done"
    item = next((i for i in task.items.all() if i.item_id == item_id), None)
    if item is None:
        return f"qualification {qualification_id} has no item {item_id}"
    if item.offering_name != offering_name:
        return f"qualification {qualification_id} item {item_id} qualified {item.offering_name or 'no offering'}, " \
               f"not {offering_name}"
    if task.expiration_date is not None and task.expiration_date <= timezone.now():
        return f"qualification {qualification_id} expired at {task.expiration_date.isoformat()}"
    if R.UNQUALIFIED in (task.qualification_result, item.qualification_result):
        return f"qualification {qualification_id} item {item_id} is unqualified"
    return None
