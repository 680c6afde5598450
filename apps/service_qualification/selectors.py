from django.db.models import QuerySet

from .models import CheckServiceQualification, QueryServiceQualification


def check_service_qualification_list() -> QuerySet[CheckServiceQualification]:
    return CheckServiceQualification.objects.prefetch_related("items")


def check_service_qualification_get(*, qualification_id) -> CheckServiceQualification | None:
    try:
        return check_service_qualification_list().filter(pk=qualification_id).first()
    except (ValueError, TypeError, Exception):  # malformed uuid → unknown
        return None


def query_service_qualification_list() -> QuerySet[QueryServiceQualification]:
    return QueryServiceQualification.objects.all()


def query_service_qualification_get(*, qualification_id) -> QueryServiceQualification | None:
    try:
        return query_service_qualification_list().filter(pk=qualification_id).first()
    except (ValueError, TypeError, Exception):
        return None
