"""Service qualification (TMF645): checks of given services at given places, and queries of what a place supports.

Sync (instantSyncQualification, the default) answers `done` at once; async answers `accepted` and the
subscriber in handlers.py runs the check on queue `orders` (accepted → inProgress → done). An evaluation that
fails (the catalog or the address tables unreadable, an unexpected error) ends the task `terminatedWithError`,
never left inProgress."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bss.errors import DomainError
from bss.events import event_emit
from bss.fsm import task_run_or_fail, transition_apply

from . import events
from .choices import QualificationResult as R, TaskState as S
from .feasibility import evaluate, services_available
from .models import CheckServiceQualification, CheckServiceQualificationItem, QueryServiceQualification

API = "tmf645"
VALIDITY = timedelta(days=30)  # a positive answer holds for 30 days (expirationDate)
TASK_ATTRIBUTES = ("description", "external_id", "instant_sync", "related_parties", "expected_qualification_date",
                   "at_type", "at_base_type", "at_schema_location")
CHECK_ATTRIBUTES = TASK_ATTRIBUTES + ("provide_alternative", "provide_unavailability_reason")


def _emit(task, event_type: str, resource_type: str) -> None:
    event_emit(event_type=event_type, resource_type=resource_type, resource_id=task.pk, api=API,
               payload=events.payload(task), owner_party_id=str(task.owner_id or ""))


def overall_result(results: list[str]) -> str:
    """qualified when all are; unqualified when any is; alternate otherwise (TMF645 rule)."""
    if not results or R.UNQUALIFIED in results:
        return R.UNQUALIFIED
    return R.QUALIFIED if all(r == R.QUALIFIED for r in results) else R.ALTERNATE


# --- check ----------------------------------------------------------------------------------------------------
@transaction.atomic
def check_service_qualification_create(*, owner=None, attributes: dict, items: list[dict]) -> CheckServiceQualification:
    if not items:
        raise DomainError("serviceQualificationItem must have at least one item", reference_error="serviceQualificationItem")
    ids = [str(item.get("item_id") or index + 1) for index, item in enumerate(items)]
    if len(set(ids)) != len(ids):
        raise DomainError("serviceQualificationItem ids must be unique", reference_error="serviceQualificationItem")
    task = CheckServiceQualification.objects.create(
        owner=owner, **{key: value for key, value in attributes.items() if key in CHECK_ATTRIBUTES})
    CheckServiceQualificationItem.objects.bulk_create([CheckServiceQualificationItem(
        qualification=task, item_id=item_id, position=index, service_spec_id=item.get("service_spec_id") or "",
        service_spec_version=item.get("service_spec_version") or "", characteristics=item.get("characteristics") or {},
        place=item.get("place") or {}) for index, (item_id, item) in enumerate(zip(ids, items))])
    _emit(task, events.CHECK_CREATE, "checkServiceQualification")
    return _check_run(task) if task.instant_sync else task


def _check_run(task: CheckServiceQualification) -> CheckServiceQualification:
    return task_run_or_fail(task, _check_evaluate, emit=lambda failed: _emit(
        failed, events.CHECK_STATE_CHANGE, "checkServiceQualification"))


def _check_evaluate(task: CheckServiceQualification) -> None:
    results = []
    for item in task.items.all():
        outcome = evaluate(spec_id=item.service_spec_id, spec_version=item.service_spec_version,
                           characteristics=item.characteristics, place=item.place)
        item.qualification_result = outcome["result"]
        if outcome["result"] == R.ALTERNATE and not task.provide_alternative:
            item.qualification_result = R.UNQUALIFIED
        item.reasons = outcome["reasons"] if task.provide_unavailability_reason else []
        item.alternates = outcome["alternates"] if task.provide_alternative else []
        item.address_id = outcome["address_id"]
        if outcome["spec"]:
            item.service_spec_name = outcome["spec"]["name"]
            item.service_spec_version = outcome["spec"]["version"]
        item.state = S.DONE
        item.save(update_fields=["qualification_result", "reasons", "alternates", "address_id", "service_spec_name",
                                 "service_spec_version", "state"])
        results.append(item.qualification_result)
    now = timezone.now()
    task.qualification_result = overall_result(results)
    task.effective_qualification_date = now
    task.expiration_date = now + VALIDITY
    transition_apply(task, "complete", reason=task.qualification_result,
                     update_fields=("qualification_result", "effective_qualification_date", "expiration_date",
                                    "updated_at"))
    _emit(task, events.CHECK_STATE_CHANGE, "checkServiceQualification")


def check_service_qualification_process(*, qualification_id) -> CheckServiceQualification | None:
    """Run an accepted (async) check; a no-op for one already running or finished (idempotent)."""
    with transaction.atomic():
        task = (CheckServiceQualification.objects.select_for_update()
                .filter(pk=qualification_id, state=S.ACCEPTED).first())
        if task is None:
            return None
        return _check_run(task)


@transaction.atomic
def check_service_qualification_delete(*, task: CheckServiceQualification) -> None:
    task = CheckServiceQualification.objects.select_for_update().get(pk=task.pk)
    _emit(task, events.CHECK_DELETE, "checkServiceQualification")
    task.delete()


# --- query ----------------------------------------------------------------------------------------------------
@transaction.atomic
def query_service_qualification_create(*, owner=None, attributes: dict,
                                       search_criteria: dict) -> QueryServiceQualification:
    task = QueryServiceQualification.objects.create(
        owner=owner, search_criteria=search_criteria,
        **{key: value for key, value in attributes.items() if key in TASK_ATTRIBUTES})
    _emit(task, events.QUERY_CREATE, "queryServiceQualification")
    return _query_run(task) if task.instant_sync else task


def _query_run(task: QueryServiceQualification) -> QueryServiceQualification:
    return task_run_or_fail(task, _query_evaluate, emit=lambda failed: _emit(
        failed, events.QUERY_STATE_CHANGE, "queryServiceQualification"))


def _query_evaluate(task: QueryServiceQualification) -> None:
    found, reasons, address_id = services_available(place=task.search_criteria.get("place") or {})
    spec_id = task.search_criteria.get("service_spec_id")
    task.results = [row for row in found if not spec_id or row["service_spec_id"] == spec_id]
    task.reasons, task.address_id = reasons, address_id
    now = timezone.now()
    task.effective_qualification_date = now
    task.expiration_date = now + VALIDITY
    transition_apply(task, "complete", reason=f"{len(task.results)} services",
                     update_fields=("results", "reasons", "address_id", "effective_qualification_date",
                                    "expiration_date", "updated_at"))
    _emit(task, events.QUERY_STATE_CHANGE, "queryServiceQualification")


def query_service_qualification_process(*, qualification_id) -> QueryServiceQualification | None:
    with transaction.atomic():
        task = (QueryServiceQualification.objects.select_for_update()
                .filter(pk=qualification_id, state=S.ACCEPTED).first())
        if task is None:
            return None
        return _query_run(task)
