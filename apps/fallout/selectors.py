"""Fallout reads, for the console, other contexts and tests."""
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from bss.fsm import transition_history

from .choices import ACTIVE_STATES
from .models import FalloutCase

# Age buckets of the dashboard: (label, older than, younger than).
AGE_BUCKETS = (("< 1 h", None, timedelta(hours=1)), ("1–24 h", timedelta(hours=1), timedelta(days=1)),
               ("1–7 d", timedelta(days=1), timedelta(days=7)), ("> 7 d", timedelta(days=7), None))


def fallout_case_list():
    return FalloutCase.objects.all()


def fallout_case_get(*, case_id) -> FalloutCase | None:
    try:
        return FalloutCase.objects.filter(pk=case_id).first()
    except (ValueError, TypeError, Exception):  # malformed id: unknown
        return None


def fallout_case_list_active_for(**subject):
    """Active cases about this work, e.g. source="activation", service_order_id=..., item_key=..."""
    return FalloutCase.objects.filter(state__in=ACTIVE_STATES, **subject)


def fallout_case_history(*, case: FalloutCase):
    return transition_history(case)


def fallout_open_by_age(*, now=None) -> list[tuple[str, int]]:
    now = now or timezone.now()
    aggregates = {}
    for index, (_, older, younger) in enumerate(AGE_BUCKETS):
        window = Q()
        if older is not None:
            window &= Q(created_at__lte=now - older)
        if younger is not None:
            window &= Q(created_at__gt=now - younger)
        aggregates[f"b{index}"] = Count("pk", filter=window)
    counts = FalloutCase.objects.filter(state__in=ACTIVE_STATES).aggregate(**aggregates)
    return [(label, counts[f"b{index}"]) for index, (label, _, _) in enumerate(AGE_BUCKETS)]
