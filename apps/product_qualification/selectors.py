from django.db.models import QuerySet

from .models import ProductOfferingQualification


def product_offering_qualification_list() -> QuerySet[ProductOfferingQualification]:
    return ProductOfferingQualification.objects.prefetch_related("items")


def product_offering_qualification_get(*, qualification_id) -> ProductOfferingQualification | None:
    """The qualification (with `.state`, `.qualification_result` and `.is_valid_now`), or None when unknown."""
    try:
        return product_offering_qualification_list().filter(pk=qualification_id).first()
    except (ValueError, TypeError, Exception):  # malformed uuid → unknown
        return None
