"""Console reads: platform backlogs from the kernel tables, everything else through each context's selectors."""
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min, Q
from django.utils import timezone

from apps.fallout.selectors import fallout_case_list
from apps.network import selectors as network_selectors
from apps.product_ordering import selectors as ordering_selectors
from apps.reconciliation import selectors as reconciliation_selectors
from apps.service_inventory import selectors as inventory_selectors
from apps.service_ordering import selectors as activation_selectors
from bss.models import Delivery, OutboxEvent, TransitionLog

PERCENTILE_SAMPLE = 1000  # the most recent completed service orders the duration percentiles are drawn from


# --- dashboard ---------------------------------------------------------------------------------------------

def outbox_backlog() -> dict:
    """Deliveries waiting per kind, dead letters; with the age of the oldest waiting delivery."""
    pending = Delivery.objects.filter(state=Delivery.State.PENDING)
    deliveries = dict(pending.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    return {"oldest_pending_seconds": round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0.0,
            "handler_deliveries_pending": deliveries.get(Delivery.Kind.HANDLER, 0),
            "notifications_pending": deliveries.get(Delivery.Kind.LISTENER, 0),
            "dead_letters": Delivery.objects.filter(state=Delivery.State.DEAD).count()}


def orders_by_state() -> list[tuple[str, int]]:
    rows = (ordering_selectors.product_order_list().order_by().values_list("state")
            .annotate(n=Count("pk")).values_list("state", "n"))
    return sorted(rows)


def activation_duration_percentiles() -> dict:
    """p50/p90/p99 seconds from start to completion of recently completed service orders."""
    rows = (activation_selectors.service_order_list().filter(state="completed", start_date__isnull=False,
                                                             completion_date__isnull=False)
            .order_by("-completion_date").values_list("start_date", "completion_date")[:PERCENTILE_SAMPLE])
    durations = sorted((done - started).total_seconds() for started, done in rows)
    return {"count": len(durations),
            **{f"p{p}": percentile(durations, p) for p in (50, 90, 99)}}


def percentile(ordered: list[float], p: int) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return None
    rank = max(1, -(-p * len(ordered) // 100))  # ceil(p·n/100)
    return ordered[rank - 1]


def drift_by_kind() -> list[tuple[str, int]]:
    return reconciliation_selectors.drift_count_by_kind()


def dead_delivery_list():
    return (Delivery.objects.filter(state=Delivery.State.DEAD).select_related("event", "subscription")
            .order_by("-created_at"))


# --- timelines ---------------------------------------------------------------------------------------------

def timeline(*, objects=(), resource_ids=()) -> list[dict]:
    """Every logged transition of these model instances and every event about these resource ids, oldest first."""
    by_type, labels = defaultdict(list), {}
    for obj in objects:
        content_type = ContentType.objects.get_for_model(type(obj))
        by_type[content_type].append(str(obj.pk))
        # A step job's id says nothing to an operator; its step does.
        labels[(content_type.pk, str(obj.pk))] = f" {obj.step}" if getattr(obj, "step", "") else ""
    which = Q(pk__in=[])
    for content_type, ids in by_type.items():
        which |= Q(content_type=content_type, object_id__in=ids)
    entries = [{"at": log.at, "kind": "transition",
                "subject": f"{log.content_type.model} {log.object_id}"
                           f"{labels.get((log.content_type_id, log.object_id), '')}",
                "what": f"{log.transition}: {log.source_state} → {log.target_state}", "who": log.actor,
                "why": log.reason}
               for log in TransitionLog.objects.filter(which).select_related("content_type")]
    ids = {str(resource_id) for resource_id in resource_ids if resource_id}
    entries += [{"at": event.created_at, "kind": "event", "subject": f"{event.resource_type} {event.resource_id}",
                 "what": event.event_type, "who": "", "why": _event_detail(event.payload)}
                for event in OutboxEvent.objects.filter(resource_id__in=ids)]
    return sorted(entries, key=lambda entry: entry["at"])


def _event_detail(payload: dict) -> str:
    keys = ("state", "key", "status", "operating_status", "kind", "error", "summary")
    return ", ".join(f"{key}={payload[key]}" for key in keys if payload.get(key))


def product_order_story(*, order_id) -> dict | None:
    """A product order with its items, the service orders activation ran for it, their steps and any fallout."""
    order = ordering_selectors.product_order_get(order_id=order_id)
    if order is None:
        return None
    items = list(order.items.all())
    service_items = list(ordering_selectors.service_items_of(order=order))
    service_orders = [so for so in (activation_selectors.service_order_get(service_order_id=so_id) for so_id in
                                    sorted({si.service_order_id for si in service_items if si.service_order_id}))
                      if so is not None]
    story = _service_orders_story(service_orders)
    cases = list(fallout_case_list().filter(Q(product_order_id=str(order.pk))
                                            | Q(service_order_id__in=[str(so.pk) for so in service_orders])))
    service_ids = {si.service_id for si in service_items if si.service_id} | story["service_ids"]
    return {"order": order, "items": items, "service_items": service_items, "service_orders": service_orders,
            "cases": cases, "service_ids": sorted(service_ids),
            "entries": timeline(objects=[order, *items, *service_items, *story["objects"], *cases],
                                resource_ids={str(order.pk), *story["resource_ids"], *service_ids,
                                              *(str(case.pk) for case in cases)})}


def service_order_story(*, service_order_id) -> dict | None:
    service_order = activation_selectors.service_order_get(service_order_id=service_order_id)
    if service_order is None:
        return None
    story = _service_orders_story([service_order])
    cases = list(fallout_case_list().filter(service_order_id=str(service_order.pk)))
    return {"service_order": service_order, "cases": cases, "service_ids": sorted(story["service_ids"]),
            "entries": timeline(objects=[*story["objects"], *cases],
                                resource_ids={*story["resource_ids"], *story["service_ids"],
                                              *(str(case.pk) for case in cases)})}


def _service_orders_story(service_orders) -> dict:
    objects, resource_ids, service_ids = [], set(), set()
    for service_order in service_orders:
        items = list(service_order.items.all())
        objects += [service_order, *items, *activation_selectors.activation_jobs_of(service_order_id=service_order.pk)]
        resource_ids.add(str(service_order.pk))
        service_ids |= {item.service_id for item in items if item.service_id}
    return {"objects": objects, "resource_ids": resource_ids, "service_ids": service_ids}


# --- a service: what TMF638 records beside what the network runs --------------------------------------------

def service_side_by_side(*, service_id) -> dict | None:
    service = inventory_selectors.service_get(service_id=service_id)
    observed = network_selectors.observed_configs_for_service(service_id=str(service_id))
    if service is None and not observed:
        return None
    recorded = service.characteristics if service else {}
    running = {}
    for platform, facts in observed.items():
        running.update(facts["config"])
    names = sorted(set(recorded) | set(running))
    rows = [{"name": name, "recorded": recorded.get(name, "—"), "observed": running.get(name, "—"),
             "differs": recorded.get(name) != running.get(name)} for name in names]
    drifts = list(reconciliation_selectors.drift_list().filter(service_id=str(service_id))[:50])
    cases = list(fallout_case_list().filter(service_id=str(service_id)))
    return {"service": service, "service_id": str(service_id), "observed": observed, "rows": rows,
            "drifts": drifts, "cases": cases,
            "entries": timeline(objects=[*([service] if service else []), *drifts, *cases],
                                resource_ids={str(service_id), *(str(drift.pk) for drift in drifts),
                                              *(str(case.pk) for case in cases)})}


def product_order_ended(*, order_id) -> str:
    """The state of a product order COM has ended ("" while it runs or is held, or when there is none): COM takes
    no outcome after that, so acting on its activation finishes the service but not the order. An order whose part
    went to fallout is held instead, and waits for the operator (docs/operations.md)."""
    from apps.product_ordering.choices import ORDER_TERMINAL

    order = ordering_selectors.product_order_get(order_id=order_id) if order_id else None
    return order.state if order is not None and order.state in ORDER_TERMINAL else ""


def page_for_id(resource_id: str) -> str | None:
    """Which console page shows this id: a fallout case, a product order, a service order or a service."""
    from apps.fallout.selectors import fallout_case_get

    if fallout_case_get(case_id=resource_id) is not None:
        return "fallout-case"
    if ordering_selectors.product_order_get(order_id=resource_id) is not None:
        return "product-order"
    if activation_selectors.service_order_get(service_order_id=resource_id) is not None:
        return "service-order"
    if service_side_by_side(service_id=resource_id) is not None:
        return "service"
    return None
