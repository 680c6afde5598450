"""Product offering qualification (TMF679). Sync (instantSyncQualification, the default) answers `done` at once;
async answers `acknowledged` and the subscriber in handlers.py runs it on queue `orders`. An evaluation that
fails (the catalog unreadable, an unexpected error) ends the task `terminatedWithError`, never left inProgress."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bss.errors import DomainError
from bss.events import event_emit
from bss.fsm import task_run_or_fail, transition_apply

from . import events
from .choices import QualificationResult as R, TaskState as S
from .eligibility import evaluate
from .models import ProductOfferingQualification, ProductOfferingQualificationItem

API = "tmf679"
VALIDITY = timedelta(days=30)  # a positive qualification holds for 30 days (expirationDate)
ATTRIBUTES = ("description", "instant_sync", "provide_alternative", "provide_only_available",
              "provide_unavailability_reason", "customer_party_id", "related_parties", "channel",
              "requested_completion_date", "at_type", "at_base_type", "at_schema_location")


def _emit(task, event_type: str) -> None:
    event_emit(event_type=event_type, resource_type="productOfferingQualification", resource_id=task.pk, api=API,
               payload=events.payload(task), owner_party_id=str(task.owner_id or ""))


def overall_result(results: list[str]) -> str:
    if not results or R.UNQUALIFIED in results:
        return R.UNQUALIFIED
    return R.QUALIFIED if all(r == R.QUALIFIED for r in results) else R.ALTERNATE


@transaction.atomic
def product_offering_qualification_create(*, owner=None, attributes: dict,
                                          items: list[dict]) -> ProductOfferingQualification:
    ids = [str(item.get("item_id") or index + 1) for index, item in enumerate(items)]
    if len(set(ids)) != len(ids):
        raise DomainError("productOfferingQualificationItem ids must be unique",
                          reference_error="productOfferingQualificationItem")
    task = ProductOfferingQualification.objects.create(
        owner=owner, **{key: value for key, value in attributes.items() if key in ATTRIBUTES})
    ProductOfferingQualificationItem.objects.bulk_create([ProductOfferingQualificationItem(
        qualification=task, item_id=item_id, position=index, action=item.get("action") or "add",
        offering_id=item.get("offering_id") or "", offering_version=item.get("offering_version") or "",
        characteristics=item.get("characteristics") or {}) for index, (item_id, item) in enumerate(zip(ids, items))])
    _emit(task, events.CREATE)
    return _run(task) if task.instant_sync else task


def _run(task: ProductOfferingQualification) -> ProductOfferingQualification:
    return task_run_or_fail(task, _evaluate, emit=lambda failed: _emit(failed, events.STATE_CHANGE))


def _evaluate(task: ProductOfferingQualification) -> None:
    items = list(task.items.all())
    results = []
    for item, outcome in zip(items, evaluate(items=items, customer_party_id=task.customer_party_id)):
        result = outcome["result"]
        if result == R.ALTERNATE and not task.provide_alternative:
            result = R.UNQUALIFIED
        item.qualification_result = result
        item.reasons = outcome["reasons"] if task.provide_unavailability_reason else []
        item.alternates = outcome["alternates"] if task.provide_alternative else []
        if outcome["offering"] is not None:
            item.offering_name = outcome["offering"].name
            item.offering_version = outcome["offering"].version
        item.state = S.DONE
        item.save(update_fields=["qualification_result", "reasons", "alternates", "offering_name",
                                 "offering_version", "state"])
        results.append(result)
    now = timezone.now()
    task.qualification_result = overall_result(results)
    task.effective_qualification_date = now
    task.expiration_date = now + VALIDITY
    transition_apply(task, "complete", reason=task.qualification_result,
                     update_fields=("qualification_result", "effective_qualification_date", "expiration_date",
                                    "updated_at"))
    _emit(task, events.STATE_CHANGE)


def product_offering_qualification_process(*, qualification_id) -> ProductOfferingQualification | None:
    """Run an acknowledged (async) qualification; a no-op when it already ran (idempotent)."""
    with transaction.atomic():
        task = (ProductOfferingQualification.objects.select_for_update()
                .filter(pk=qualification_id, state=S.ACKNOWLEDGED).first())
        if task is None:
            return None
        return _run(task)


@transaction.atomic
def product_offering_qualification_delete(*, task: ProductOfferingQualification) -> None:
    task = ProductOfferingQualification.objects.select_for_update().get(pk=task.pk)
    _emit(task, events.DELETE)
    task.delete()
