"""Reconciliation reads, for the console, the command and tests."""
from django.db.models import Count

from .choices import ACTIVE_DRIFT_STATES, DriftKind
from .models import DriftRecord, ReconcileRun


def drift_list():
    return DriftRecord.objects.all()


def drift_get(*, drift_id) -> DriftRecord | None:
    try:
        return DriftRecord.objects.filter(pk=drift_id).first()
    except (ValueError, TypeError, Exception):  # malformed id: unknown
        return None


def drift_list_active_for(*, service_id: str):
    return DriftRecord.objects.filter(service_id=str(service_id), state__in=ACTIVE_DRIFT_STATES)


def drift_count_by_kind() -> list[tuple[str, int]]:
    """Unsettled drift per kind, every kind listed."""
    counts = dict(DriftRecord.objects.filter(state__in=ACTIVE_DRIFT_STATES).values_list("kind")
                  .annotate(n=Count("pk")).values_list("kind", "n"))
    return [(kind, counts.get(kind, 0)) for kind in DriftKind.values]


def reconcile_run_latest(*, family: str, detected_by: str | None = None) -> ReconcileRun | None:
    runs = ReconcileRun.objects.filter(family=family)
    if detected_by:
        runs = runs.filter(detected_by=detected_by)
    return runs.first()
