"""TMF641 events (hub) and the domain events COM, the inventories and fallout listen to (docs/contracts.md)."""
from .choices import ITEM_STABLE, ItemState, JobState

API = "tmf641"
ORDER = "serviceOrder"
CANCEL = "cancelServiceOrder"

ORDER_CREATE = "ServiceOrderCreateEvent"
ORDER_ATTRIBUTE_VALUE_CHANGE = "ServiceOrderAttributeValueChangeEvent"
ORDER_STATE_CHANGE = "ServiceOrderStateChangeEvent"
ORDER_DELETE = "ServiceOrderDeleteEvent"
ORDER_INFORMATION_REQUIRED = "ServiceOrderInformationRequiredEvent"
ORDER_MILESTONE = "ServiceOrderMilestoneEvent"
ORDER_JEOPARDY = "ServiceOrderJeopardyEvent"
CANCEL_CREATE = "CancelServiceOrderCreateEvent"
CANCEL_STATE_CHANGE = "CancelServiceOrderStateChangeEvent"
CANCEL_INFORMATION_REQUIRED = "CancelServiceOrderInformationRequiredEvent"

# Domain only (no TMF641 resource of its own): COM correlates its order items with these.
ITEM_STATE_CHANGE = "ServiceOrderItemStateChangeEvent"
FALLOUT_REQUESTED = "FalloutRequested"


def item_in_fallout(item) -> bool:
    """A failed item whose run has a failed step job: _step_failed asked for a fallout case about it, so an
    operator may still re-drive or skip the step. COM holds the product order instead of ending it."""
    return item.state == ItemState.FAILED and item.jobs.filter(run=item.run, state=JobState.FAILED).exists()


def item_facts(item) -> dict:
    return {"key": item.key, "state": item.state, "service_id": item.service_id or None, "error": item.error or None,
            "fallout": item_in_fallout(item), "redriven": item.redrives > 0}


def order_payload(order, items) -> dict:
    return {"service_order_id": str(order.pk), "external_id": order.external_id, "state": order.state,
            "items": [item_facts(item) for item in items]}


def item_payload(item) -> dict:
    return {"service_order_id": str(item.order_id), "external_id": item.order.external_id, **item_facts(item)}


def item_is_stable(item) -> bool:
    return item.state in ITEM_STABLE


def cancel_payload(cancellation) -> dict:
    return {"cancel_service_order_id": str(cancellation.pk), "service_order_id": str(cancellation.service_order_id),
            "state": cancellation.state}


def fallout_payload(*, kind: str, summary: str, item, job=None, context: dict | None = None) -> dict:
    return {"source": "activation", "kind": kind, "summary": summary, "context": context or {},
            "product_order_id": "", "service_order_id": str(item.order_id), "item_key": item.key,
            "job_id": str(job.pk) if job else "", "service_id": item.service_id or ""}


# Repair jobs (domain only): reconciliation settles or escalates the drift it asked about.
REPAIR = "repairJob"
REPAIR_STATE_CHANGE = "RepairJobStateChangeEvent"


def repair_payload(job) -> dict:
    return {"repair_job_id": str(job.pk), "requested_by": job.requested_by, "run": job.run,
            "service_id": job.service_id, "platform": job.platform, "kind": job.kind, "state": job.state,
            "attempts": job.attempts, "error": job.last_error or None}


def repair_fallout_payload(job, *, summary: str) -> dict:
    """The case is filed where the requester said (reconciliation files drift by service), naming the job."""
    case = job.case or {}
    return {"source": case.get("source") or "activation", "kind": case.get("kind") or "repairFailed",
            "summary": summary,
            "context": {**(case.get("context") or {}), "repair_job_id": str(job.pk), "repair_kind": job.kind,
                        "platform": job.platform, "attempts": job.attempts, "last_error": job.last_error,
                        "request": job.params},
            "product_order_id": "", "service_order_id": "", "item_key": "", "job_id": str(job.pk),
            "service_id": job.service_id}
