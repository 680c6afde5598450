"""COM: intake, validation, decomposition, submission, feedback, recovery and cancellation of product orders.

Every write runs here, in one transaction per command, locking the order before its items. State moves only
through bss.fsm.transition_apply; the order's state is derived from its items in product_order_recompute_state."""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.fallout import selectors as fallout_selectors
from apps.product_inventory import selectors as inventory_selectors
from apps.product_inventory import services as inventory

from bss.errors import Conflict, DomainError, IllegalTransition, NotFound, Unavailable, ValidationFailed
from bss.events import event_emit, service_atomic
from bss.fsm import transition_apply

from . import decomposition, events, lookups, selectors
from .choices import (ITEM_TERMINAL, ORDER_DELETABLE, ORDER_TERMINAL, ItemAction, ItemState, OrderState,
                      ServiceItemState, TaskState)
from .gateway import gateway_get
from .models import CancelProductOrder, ProductOrder, ProductOrderItem, ServiceItem, ServiceOrderSubmission

API = "tmf622"
# Attributes a channel may change with PATCH (domain names); billing details only before work starts.
CHANGEABLE = ("description", "category", "priority", "notification_contact", "requested_start_date",
              "requested_completion_date", "notes", "billing_account_id", "at_type", "at_base_type",
              "at_schema_location")
CHANGEABLE_BEFORE_START = ("billing_account_id",)
ORDER_FIELDS = ("state_reasons", "completion_date", "cancellation_date", "last_progress_at", "updated_at")


def max_retries() -> int:
    return int(getattr(settings, "BSS_ORDER_MAX_RETRIES", 2))


def stall_seconds() -> int:
    return int(getattr(settings, "BSS_ORDER_STALL_SECONDS", 3600))


# --- small helpers: events and transitions -------------------------------------------------------------------
def _emit(order: ProductOrder, event_type: str, **extra) -> None:
    event_emit(event_type=event_type, resource_type="productOrder", resource_id=order.pk, api=API,
               payload=events.product_order_payload(order, **extra), owner_party_id=str(order.owner_id or ""))


def _emit_cancel(task: CancelProductOrder, event_type: str, **extra) -> None:
    event_emit(event_type=event_type, resource_type="cancelProductOrder", resource_id=task.pk, api=API,
               payload=events.cancel_payload(task, **extra), owner_party_id=str(task.owner_id or ""))


def _order_move(order: ProductOrder, transition: str, reason: str = "") -> None:
    order.last_progress_at = timezone.now()
    transition_apply(order, transition, reason=reason, update_fields=ORDER_FIELDS)
    _emit(order, events.PRODUCT_ORDER_STATE_CHANGE)


def _item_move(item: ProductOrderItem, transition: str, reason: str = "") -> None:
    transition_apply(item, transition, reason=reason, update_fields=("error", "partial", "attempts"))


def _service_item_move(service_item: ServiceItem, transition: str, reason: str = "") -> None:
    transition_apply(service_item, transition, reason=reason,
                     update_fields=("error", "service_id", "service_order_id"))


def _lock_order(order_id) -> ProductOrder | None:
    return selectors.product_order_lock(order_id=order_id)


# --- intake --------------------------------------------------------------------------------------------------
def product_order_submit(*, owner, external_id: str = "", attributes: dict, items: list[dict]) -> ProductOrder:
    """Store the order `acknowledged` with its items; validation runs asynchronously (ProductOrderCreateEvent).

    Idempotent by (owner, external_id): the unique constraint and get_or_create return the first order."""
    with transaction.atomic():
        if external_id:
            order, created = ProductOrder.objects.get_or_create(owner=owner, external_id=external_id,
                                                                defaults=attributes)
            if not created:
                return order
        else:
            order = ProductOrder.objects.create(owner=owner, **attributes)
        ProductOrderItem.objects.bulk_create([ProductOrderItem(order=order, position=index, **item)
                                              for index, item in enumerate(items)])
        _emit(order, events.PRODUCT_ORDER_CREATE)
    return order


def product_order_update(*, order: ProductOrder, changes: dict) -> ProductOrder:
    """Merge-patch of the client-changeable attributes (never the state: that moves through tasks)."""
    with transaction.atomic():
        order = _lock_order(order.pk)
        if order.state in ORDER_TERMINAL:
            raise IllegalTransition(f"order {order.pk} is {order.state}: it can no longer be changed")
        late = [name for name in changes if name in CHANGEABLE_BEFORE_START
                and order.state not in (OrderState.ACKNOWLEDGED, OrderState.PENDING)]
        if late:
            raise IllegalTransition(f"{', '.join(late)} can change only before the order is in progress",
                                    reference_error=late[0])
        changed = [name for name, value in changes.items() if name in CHANGEABLE and getattr(order, name) != value]
        for name in changed:
            setattr(order, name, changes[name])
        if changed:
            order.save(update_fields=[*changed, "updated_at"])
            _emit(order, events.PRODUCT_ORDER_ATTRIBUTE_VALUE_CHANGE, changed=changed)
    return order


def product_order_delete(*, order: ProductOrder) -> None:
    with transaction.atomic():
        order = _lock_order(order.pk)
        if order is None:
            raise NotFound("no such product order")
        if order.state not in ORDER_DELETABLE:
            raise IllegalTransition(f"order {order.pk} is {order.state}: only acknowledged, rejected or "
                                    "cancelled orders may be deleted")
        _emit(order, events.PRODUCT_ORDER_DELETE)
        order.delete()


# --- validation and decomposition -----------------------------------------------------------------------------
def _item_facts(order: ProductOrder, item: ProductOrderItem, reasons: list[str]) -> dict:
    """What validation learns about one item: offering facts, the product it acts on, the rules that apply."""
    facts = {"offering": None, "product": None, "rules": []}
    label = f"item {item.item_id}"
    product = None
    if item.action in (ItemAction.MODIFY, ItemAction.DELETE, ItemAction.NO_CHANGE):
        product = inventory_selectors.product_get(product_id=item.product_id)
        if product is None:
            reasons.append(f"{label}: product {item.product_id} is unknown")
            return facts
        if product.customer_party_id and product.customer_party_id != order.customer_party_id:
            reasons.append(f"{label}: product {item.product_id} belongs to another customer")
            return facts
        facts["product"] = product
    # A modify/delete without an offering acts on the offering the product was bought as.
    offering_id = item.offering_id or (product.offering_id if product else "")
    version = item.offering_version if item.offering_id else (product.offering_version if product else "")
    if not offering_id:
        if item.action == ItemAction.ADD:
            reasons.append(f"{label}: productOffering is required to add a product")
        return facts
    offering = lookups.offering_facts(offering_id=offering_id, version=version or None)
    if offering is None:
        reasons.append(f"{label}: offering {offering_id} (version {version or 'newest'}) is unknown")
        return facts
    if item.action == ItemAction.ADD and not offering.sellable:
        reasons.append(f"{label}: offering {offering.name} {offering.version} is not sellable")
    for name, value in sorted(item.characteristics.items()):
        if name not in offering.characteristics:
            reasons.append(f"{label}: characteristic {name!r} is not defined for {offering.name}")
        elif offering.characteristics[name] and value not in offering.characteristics[name]:
            reasons.append(f"{label}: {value!r} is not an allowed value of {name!r}")
    facts["offering"] = offering
    for spec in offering.specs:
        facts["rules"] += decomposition.rules_applicable(
            selectors.decomposition_rules_for(product_spec_id=spec.id), product_spec_version=spec.version)
    if offering.specs and not facts["rules"] and item.action in (ItemAction.ADD, ItemAction.MODIFY):
        reasons.append(f"{label}: no decomposition rule for {offering.name} "
                       f"({', '.join(f'{spec.name} {spec.version}' for spec in offering.specs)})")
    return facts


def _order_reasons(order: ProductOrder, items: list[ProductOrderItem]) -> list[str]:
    reasons = []
    if not order.customer_party_id:
        reasons.append("relatedParty: a customer party is required")
    else:
        problem = lookups.party_check(caller=order.owner, party_id=order.customer_party_id)
        if problem:
            return [f"relatedParty: {problem}"]  # nothing else can be judged for an unknown customer
    for account_id in {order.billing_account_id, *(i.billing_account_id for i in items)} - {""}:
        name, problem = lookups.billing_account_check(account_id=account_id, party_id=order.customer_party_id)
        if problem:
            reasons.append(f"billingAccount: {problem}")
        elif account_id == order.billing_account_id:
            order.billing_account_name = name
    for item in items:
        problem = lookups.place_check(place_id=item.place_id) if item.place_id else None
        if problem:
            reasons.append(f"item {item.item_id}: {problem}")
    for qualification_id in {*order.qualification_ids, *(i.qualification_id for i in items)} - {""}:
        problem = lookups.qualification_check(qualification_id=qualification_id)
        if problem:
            reasons.append(f"qualification: {problem}")
    return reasons


def product_order_validate(*, order_id) -> ProductOrder | None:
    """Asynchronous validation of an acknowledged (or information-pending) order: → rejected with reasons,
    → pending when information is missing, or decomposed and started."""
    with service_atomic():
        order = _lock_order(order_id)
        if order is None or order.state not in (OrderState.ACKNOWLEDGED, OrderState.PENDING):
            return order
        items = list(order.items.select_for_update(of=("self",)))
        reasons = _order_reasons(order, items)
        facts = {item.pk: _item_facts(order, item, reasons) for item in items}
        if reasons:
            order.state_reasons = reasons
            for item in items:
                _item_move(item, "reject")
            _order_move(order, "reject", reason="; ".join(reasons)[:500])
            return order
        if not order.billing_account_id and any(not i.billing_account_id for i in items):
            if order.state == OrderState.ACKNOWLEDGED:
                order.state_reasons = ["billingAccount is required"]
                _order_move(order, "await_information", reason="billingAccount missing")
                _emit(order, events.PRODUCT_ORDER_INFORMATION_REQUIRED, missing=["billingAccount"])
            return order
        order.save(update_fields=["billing_account_name"])
        for item in items:
            _item_decompose(item, facts[item.pk])
        order.state_reasons = []
        _order_move(order, "start", reason="validated and decomposed")
        product_order_recompute_state(order=order, items=items)
    return order


def _item_decompose(item: ProductOrderItem, facts: dict) -> None:
    """Record what the item resolved to, then plan its service items (idempotently, by key)."""
    offering, product = facts["offering"], facts["product"]
    if offering is not None:
        spec = offering.spec
        item.offering_id, item.offering_version, item.offering_name = offering.id, offering.version, offering.name
        item.product_spec_id = spec.id if spec else ""
        item.product_spec_version = spec.version if spec else ""
        item.product_spec_name = spec.name if spec else ""
        item.prices = offering.prices
        if item.action in (ItemAction.ADD, ItemAction.MODIFY):
            current = product.characteristics if product is not None else {}
            item.characteristics = {**offering.defaults, **current, **item.characteristics}
    item.save(update_fields=["offering_id", "offering_version", "offering_name", "product_spec_id",
                             "product_spec_version", "product_spec_name", "prices", "characteristics"])
    existing = product.realizing_services if product is not None else []
    planned = decomposition.plan(order_item=item, rules=facts["rules"], existing_services=existing)
    # The (order item, rule) key is unique: re-running validation plans nothing twice. One INSERT … ON CONFLICT
    # DO NOTHING for all of them, where a get_or_create each was a read, a savepoint and an insert.
    ServiceItem.objects.bulk_create([ServiceItem(order_item=item, **fields) for fields in planned],
                                    ignore_conflicts=True)


# --- submission through the gateway ---------------------------------------------------------------------------
def _submit(order: ProductOrder, item: ProductOrderItem) -> None:
    """Send the item's planned service items to activation as one service order (a new one per attempt)."""
    planned = list(item.service_items.select_for_update(of=("self",)).filter(state=ServiceItemState.PLANNED))
    if not planned:
        return
    item.attempts += 1
    item.save(update_fields=["attempts"])
    submission = ServiceOrderSubmission.objects.create(
        order_item=item, attempt=item.attempts, external_id=f"{order.pk}:{item.item_id}:{item.attempts}")
    keys = {s.key for s in planned}
    try:
        service_order_id = gateway_get().submit(
            external_id=submission.external_id, requester=str(order.owner_id or ""),
            owner_party_id=str(order.owner_id or ""),
            items=[{"key": s.key, "action": s.action, "service_spec_id": s.service_spec_id,
                    "service_spec_version": s.service_spec_version, "characteristics": s.characteristics,
                    "service_id": s.service_id or None, "relies_on": [k for k in s.relies_on if k in keys],
                    "related_party_id": order.customer_party_id} for s in planned])
    except Unavailable:
        raise  # transient: the whole step rolls back and the event delivery retries it
    except DomainError as exc:
        # A refusal is an outcome: the parts fail (not transiently) and the item settles like any failure.
        for service_item in planned:
            _service_item_move(service_item, "submit", reason=f"attempt {item.attempts}")
            service_item.error = f"activation refused the service order: {exc.message}"[:2000]
            _service_item_move(service_item, "fail", reason=service_item.error[:500])
        return
    submission.service_order_id = service_order_id
    submission.save(update_fields=["service_order_id"])
    for service_item in planned:
        service_item.service_order_id = service_order_id
        _service_item_move(service_item, "submit", reason=f"attempt {item.attempts}")


def _advance(order: ProductOrder, items: list[ProductOrderItem]) -> bool:
    """Start the items whose reliesOn items are done; cancel those whose reliesOn items will never be."""
    by_id = {item.item_id: item for item in items}
    moved = False
    for item in items:
        if item.state not in (ItemState.ACKNOWLEDGED, ItemState.PENDING):
            continue
        needed = [by_id[item_id] for item_id in item.relies_on if item_id in by_id]
        if any(dep.state in (ItemState.FAILED, ItemState.CANCELLED, ItemState.REJECTED) for dep in needed):
            item.error = "an item it relies on did not complete"
            _item_move(item, "cancel", reason=item.error)
            moved = True
        elif all(dep.state == ItemState.COMPLETED for dep in needed):
            _item_move(item, "start")
            _submit(order, item)
            moved = True
        elif item.state == ItemState.ACKNOWLEDGED:
            _item_move(item, "await_dependencies")
    return moved


# --- feedback and recovery ------------------------------------------------------------------------------------
def is_transient(error) -> bool:
    """Activation marks retryable failures: {"transient": true} / {"retryable": true}, or a message naming
    a timeout or a transient fault."""
    if isinstance(error, dict):
        return bool(error.get("transient") or error.get("retryable"))
    text = str(error or "").lower()
    return "transient" in text or "timeout" in text or "timed out" in text


def service_order_outcome_record(*, external_id: str, key: str, state: str, service_id: str | None = "",
                                 error=None, fallout: bool = False) -> ProductOrder | None:
    """An activation outcome for one service order item: move COM's service item and recompute the order.

    A failure activation filed as a fallout case (`fallout`) holds the service item for the operator instead:
    a later `completed` (re-drive, skip step) completes it, any other end (failed without a case, cancelled)
    is the operator giving up and fails it. Idempotent: outcomes for a service item not awaiting one
    (replays, superseded attempts) change nothing."""
    submission = selectors.submission_by_external_id(external_id=external_id)
    if submission is None:
        return None  # not one of COM's service orders
    with service_atomic():
        order = _lock_order(submission.order_item.order_id)
        item = ProductOrderItem.objects.select_for_update(of=("self",)).get(pk=submission.order_item_id)
        service_item = item.service_items.select_for_update(of=("self",)).filter(key=key).first()
        if submission.remote_state != state:
            submission.remote_state = state
            submission.save(update_fields=["remote_state"])
        if service_item is None or service_item.state not in (ServiceItemState.SUBMITTED, ServiceItemState.HELD) \
                or submission.attempt != item.attempts:
            return order
        transition = {"completed": "complete", "failed": "fail", "rejected": "fail", "cancelled": "cancel"}.get(state)
        if transition == "fail" and fallout and state == "failed":
            if service_item.state == ServiceItemState.HELD:
                return order  # a replay, or the re-driven item failed into its case again: still the operator's
            transition = "hold"
        if transition is None:
            order.last_progress_at = timezone.now()
            order.save(update_fields=["last_progress_at"])
            return order
        was_held = service_item.state == ServiceItemState.HELD
        service_item.service_id = service_id or service_item.service_id
        service_item.error = _error_text(error) if transition in ("fail", "hold") else ""
        _service_item_move(service_item, transition, reason=service_item.error or state)
        if was_held and transition == "complete":
            _collateral_replan(item, service_item)
        order.last_progress_at = timezone.now()
        order.save(update_fields=["last_progress_at"])
        product_order_recompute_state(order=order)
    return order


GIVEN_UP = "the operator gave up in fallout:"


def service_item_release(*, service_order_id: str, key: str, reason: str = "") -> ProductOrder | None:
    """The operator gave up on a held part (its fallout case resolved or cancelled by hand, not by the part
    completing): it fails, and the order settles by the normal rules (compensate, failed or partial).
    Idempotent: a part no longer held changes nothing."""
    service_item = selectors.service_item_held(service_order_id=service_order_id, key=key)
    if service_item is None:
        return None
    with service_atomic():
        order = _lock_order(service_item.order_item.order_id)
        ProductOrderItem.objects.select_for_update(of=("self",)).get(pk=service_item.order_item_id)
        service_item = ServiceItem.objects.select_for_update(of=("self",)).get(pk=service_item.pk)
        if service_item.state != ServiceItemState.HELD:
            return order
        service_item.error = f"{GIVEN_UP} {reason or 'no reason given'}; it had failed with: {service_item.error}"[:2000]
        _service_item_move(service_item, "fail", reason=service_item.error[:500])
        order.last_progress_at = timezone.now()
        order.save(update_fields=["last_progress_at"])
        product_order_recompute_state(order=order)
    return order


def _collateral_replan(item: ProductOrderItem, completed: ServiceItem) -> None:
    """Activation failed (without a case) the parts relying on a part that went to fallout. Now that the
    operator got that part done, they are planned again and submitted when the item resumes."""
    others = list(item.service_items.select_for_update(of=("self",)).exclude(pk=completed.pk))
    waiting_for = {completed.key}
    found = True
    while found:  # what relies on it, directly or through another such part
        found = False
        for service_item in others:
            if (service_item.state in (ServiceItemState.FAILED, ServiceItemState.CANCELLED)
                    and service_item.key not in waiting_for and set(service_item.relies_on) & waiting_for
                    and not service_item.error.startswith(GIVEN_UP)):
                waiting_for.add(service_item.key)
                _service_item_move(service_item, "retry", reason=f"{completed.key} completed after fallout")
                found = True


def _error_text(error) -> str:
    if isinstance(error, dict):
        flags = " (transient)" if is_transient(error) else ""
        return f"{error.get('message') or error.get('reason') or error}{flags}"
    return str(error or "failed")


def _compensate(order: ProductOrder, service_items: list[ServiceItem], reason: str) -> None:
    """Ask activation to undo what completed (newest first), and record it."""
    gateway = gateway_get()
    for service_item in reversed(service_items):
        gateway.compensate(service_order_id=service_item.service_order_id, item_key=service_item.key, reason=reason,
                           service_id=service_item.service_id)
        _service_item_move(service_item, "compensate", reason=reason)


def _item_settle(order: ProductOrder, item: ProductOrderItem, cancelling: bool) -> bool:
    """Derive an in-progress item's outcome from its service items: wait, retry, compensate and fail, complete,
    or (during cancellation) undo and cancel. True when the item reached a terminal state."""
    service_items = list(item.service_items.select_for_update(of=("self",)))
    held = [s for s in service_items if s.state == ServiceItemState.HELD]
    if held and not cancelling:
        # A part is in fallout: nothing is compensated or retried while the operator may still re-drive it.
        error = "; ".join(f"{s.service_spec_id}: {s.error} (in fallout)" for s in held)[:2000]
        if item.state == ItemState.IN_PROGRESS:
            item.error = error
            _item_move(item, "hold", reason=f"awaiting an operator: {error}"[:500])
        elif item.error != error:
            item.error = error
            item.save(update_fields=["error"])
        return False
    if item.state == ItemState.HELD and not cancelling:
        item.error = ""
        _item_move(item, "resume", reason="the operator settled the part in fallout")
        if any(s.state == ServiceItemState.PLANNED for s in service_items):
            _submit(order, item)  # the parts that failed only because they relied on the held one
            return _item_settle(order, item, cancelling)
    if any(s.state == ServiceItemState.SUBMITTED for s in service_items):
        return False  # outcomes of this attempt still to come
    completed = [s for s in service_items if s.state == ServiceItemState.COMPLETED]
    failed = [s for s in service_items if s.state in (ServiceItemState.FAILED, ServiceItemState.CANCELLED)]
    if cancelling:
        _compensate(order, completed, reason="order cancelled")
        for service_item in service_items:
            if service_item.state in (ServiceItemState.PLANNED, ServiceItemState.HELD):
                _service_item_move(service_item, "cancel", reason="order cancelled")
        _item_move(item, "cancel", reason="order cancelled")
        return True
    # A transient failure is retried with what activation cancelled because of it (parts relying on it).
    transient = [s for s in failed if s.state == ServiceItemState.FAILED and is_transient(s.error)
                 and not s.error.startswith(GIVEN_UP)]  # the operator's decision is not retried
    collateral = [s for s in failed if s.state == ServiceItemState.CANCELLED]
    if transient and len(transient) + len(collateral) == len(failed) and item.attempts <= max_retries():
        for service_item in failed:
            _service_item_move(service_item, "retry", reason=f"transient failure, retry {item.attempts}")
        _submit(order, item)
        return _item_settle(order, item, cancelling)  # settles at once when the resubmission was refused
    blocking = [s for s in failed if not s.optional]
    if blocking:
        item.error = "; ".join(f"{s.service_spec_id}: {s.error or s.state}" for s in blocking)[:2000]
        _compensate(order, completed, reason=f"item {item.item_id} failed")
        _item_move(item, "fail", reason=item.error[:500])
        return True
    item.partial = bool(failed)
    item.error = "; ".join(f"{s.service_spec_id} (optional): {s.error or s.state}" for s in failed)[:2000]
    _item_move(item, "complete", reason="partial" if failed else "")
    return True


def product_order_recompute_state(*, order: ProductOrder, items: list[ProductOrderItem] | None = None) -> str:
    """THE one place an order's state is derived from its items (caller holds the order lock):
    settle in-progress items, start items whose dependencies are done, then
    all completed → completed; completed with optional parts failed → partial; any failed → failed;
    under cancellation, everything undone or cancelled → cancelled (and the cancel task done)."""
    if items is None:
        items = list(order.items.select_for_update(of=("self",)))
    cancelling = order.state in (OrderState.ASSESSING_CANCELLATION, OrderState.PENDING_CANCELLATION)
    if order.state not in (OrderState.IN_PROGRESS, OrderState.HELD, OrderState.PENDING_CANCELLATION):
        return order.state
    progressing = True
    while progressing:
        progressing = False
        for item in items:
            if item.state in (ItemState.IN_PROGRESS, ItemState.HELD) and _item_settle(order, item, cancelling):
                progressing = True
        if cancelling:
            for item in items:
                if item.state in (ItemState.ACKNOWLEDGED, ItemState.PENDING, ItemState.COMPLETED):
                    _cancel_settled_item(order, item)
        elif _advance(order, items):
            progressing = True
    if not cancelling and _order_hold_or_resume(order, items):
        return order.state
    if any(item.state not in ITEM_TERMINAL for item in items):
        return order.state
    if cancelling:
        _order_move(order, "cancel", reason=order.cancellation_reason or "cancelled")
        for task in order.cancellations.select_for_update(of=("self",)).filter(state=TaskState.IN_PROGRESS):
            transition_apply(task, "finish", reason="order cancelled", update_fields=("effective_cancellation_date",))
            _emit_cancel(task, events.CANCEL_PRODUCT_ORDER_STATE_CHANGE)
        return order.state
    if any(item.state == ItemState.FAILED for item in items):
        order.state_reasons = [f"item {i.item_id}: {i.error}" for i in items if i.error]
        _order_move(order, "fail", reason="; ".join(order.state_reasons)[:500])
    elif any(item.partial for item in items):
        order.state_reasons = [f"item {i.item_id}: {i.error}" for i in items if i.partial]
        _order_move(order, "mark_partial", reason="optional parts failed")
    else:
        _order_move(order, "complete")
    _products_record(order, items)
    return order.state


def _order_hold_or_resume(order: ProductOrder, items: list[ProductOrderItem]) -> bool:
    """held while any item is held (a part of it is in fallout), in progress again once none is.
    True while the order stays held."""
    held = [item for item in items if item.state == ItemState.HELD]
    if held:
        reasons = [f"item {i.item_id}: {i.error}" for i in held]
        if order.state == OrderState.IN_PROGRESS:
            order.state_reasons = reasons
            _order_move(order, "hold", reason=f"awaiting an operator: {'; '.join(reasons)}"[:500])
        elif order.state_reasons != reasons:  # another item went to fallout while held
            order.state_reasons = reasons
            order.save(update_fields=["state_reasons", "updated_at"])
            _emit(order, events.PRODUCT_ORDER_ATTRIBUTE_VALUE_CHANGE, changed=["state_reasons"])
        return True
    if order.state == OrderState.HELD:
        order.state_reasons = []
        _order_move(order, "resume", reason="no part awaits an operator any more")
    return False


def _cancel_settled_item(order: ProductOrder, item: ProductOrderItem) -> None:
    """Under cancellation: an item not started is cancelled; a completed one is undone, then cancelled."""
    if item.state == ItemState.COMPLETED:
        _compensate(order, list(item.service_items.select_for_update(of=("self",)).filter(state=ServiceItemState.COMPLETED)),
                    reason="order cancelled")
    for service_item in item.service_items.select_for_update(of=("self",)).filter(state=ServiceItemState.PLANNED):
        _service_item_move(service_item, "cancel", reason="order cancelled")
    _item_move(item, "cancel", reason="order cancelled")


# --- product inventory at stable states -----------------------------------------------------------------------
def _product_status(order: ProductOrder, item: ProductOrderItem) -> str | None:
    """The product status for an item of a finished order (ARCHITECTURE.md mapping); None: leave it alone."""
    if item.state == ItemState.COMPLETED:
        if item.action == ItemAction.NO_CHANGE:
            return None
        if item.action == ItemAction.DELETE:
            return "terminated"
        return "pendingActive" if item.partial else "active"
    if item.state == ItemState.FAILED and item.action == ItemAction.ADD:
        # By rule: something was deployed and is being undone → pendingTerminate; nothing was → aborted.
        deployed = item.service_items.filter(state=ServiceItemState.COMPENSATED).exists()
        return "pendingTerminate" if deployed else "aborted"
    return None


def _products_record(order: ProductOrder, items: list[ProductOrderItem]) -> None:
    for item in items:
        status = _product_status(order, item)
        if status is None:
            continue
        services = [{"service_id": s.service_id, "service_spec_id": s.service_spec_id, "name": s.rule.name}
                    for s in item.service_items.select_related("rule").filter(state=ServiceItemState.COMPLETED)
                    if s.service_id]
        facts = {
            "product_id": item.product_id or None, "origin_key": f"{order.pk}:{item.item_id}",
            "owner_party_id": order.owner_id, "status": status, "reason": f"product order {order.pk} {order.state}",
            "order_id": str(order.pk), "order_item_id": item.item_id, "action": item.action,
            "name": item.offering_name, "customer_party_id": order.customer_party_id,
            "billing_account_id": item.billing_account_id or order.billing_account_id,
            "billing_account_name": order.billing_account_name, "offering_id": item.offering_id,
            "offering_version": item.offering_version, "offering_name": item.offering_name,
            "product_spec_id": item.product_spec_id, "product_spec_version": item.product_spec_version,
            "product_spec_name": item.product_spec_name, "characteristics": item.characteristics,
            "prices": item.prices, "related_parties": order.related_parties, "order_date": order.order_date,
        }
        if services:
            facts["realizing_services"] = services
        product = inventory.product_upsert_from_order(facts=facts)
        item.result_product_id = str(product.pk)
        item.save(update_fields=["result_product_id"])


# --- cancellation ---------------------------------------------------------------------------------------------
def cancel_product_order_create(*, owner, order_id, reason: str = "", requested_date=None,
                                typing: dict | None = None) -> CancelProductOrder:
    """Accept a cancellation request: the order goes to assessingCancellation, the task is acknowledged.
    Refused (409) once the order is finished."""
    with transaction.atomic():
        order = _lock_order(order_id)
        if order is None or (owner is not None and order.owner_id != owner.pk):
            raise NotFound(f"no product order {order_id}", reference_error="productOrder.id")
        if order.state in (OrderState.ASSESSING_CANCELLATION, OrderState.PENDING_CANCELLATION):
            raise Conflict(f"order {order.pk} is already being cancelled", reference_error="productOrder.id")
        if order.state in ORDER_TERMINAL:
            raise IllegalTransition(f"order {order.pk} is {order.state}: it can no longer be cancelled",
                                    reference_error="productOrder.id")
        order.cancellation_reason = (reason or "")[:500]
        order.save(update_fields=["cancellation_reason"])
        _order_move(order, "assess_cancellation", reason=reason)
        task = CancelProductOrder.objects.create(owner=owner, order=order, cancellation_reason=(reason or "")[:500],
                                                 requested_cancellation_date=requested_date, **(typing or {}))
        _emit_cancel(task, events.CANCEL_PRODUCT_ORDER_CREATE)
    return task


def cancel_product_order_process(*, cancel_id) -> CancelProductOrder | None:
    """Carry out an acknowledged cancellation: cancel service orders still running (activation cancels what has
    not started and compensates what has), undo completed items, and cancel the rest."""
    task = selectors.cancel_product_order_get(cancel_id=cancel_id)
    if task is None:
        return None
    with transaction.atomic():
        order = _lock_order(task.order_id)  # parent before child
        task = CancelProductOrder.objects.select_for_update(of=("self",)).get(pk=cancel_id)
        if task.state != TaskState.ACKNOWLEDGED:
            return task
        transition_apply(task, "start", reason="cancelling")
        _emit_cancel(task, events.CANCEL_PRODUCT_ORDER_STATE_CHANGE)
        _order_move(order, "accept_cancellation", reason=task.cancellation_reason)
        running = selectors.service_orders_running(order=order)
        try:
            for service_order_id in running:
                gateway_get().cancel(service_order_id=service_order_id, reason=task.cancellation_reason or "cancelled")
        except Unavailable:
            raise  # transient: rolled back, the event delivery retries
        except DomainError as exc:
            return _cancel_task_failed(task, order, f"activation refused to cancel: {exc.message}")
        product_order_recompute_state(order=order)
    return task


def _cancel_task_failed(task: CancelProductOrder, order: ProductOrder, error: str) -> CancelProductOrder:
    task.error = error[:2000]
    transition_apply(task, "fail", reason=error[:500], update_fields=("error",))
    _emit_cancel(task, events.CANCEL_PRODUCT_ORDER_STATE_CHANGE)
    _emit_cancel(task, events.CANCEL_PRODUCT_ORDER_INFORMATION_REQUIRED, error=error)
    event_emit(event_type=events.FALLOUT_REQUESTED, resource_type="productOrder", resource_id=order.pk,
               payload=events.fallout_payload(kind="cancellation_failed", summary=error, order=order))
    return task


# --- stalls ---------------------------------------------------------------------------------------------------
def product_order_sweep_stalled(*, now=None) -> int:
    """Orders without progress past their deadline become fallout cases (once per order)."""
    now = now or timezone.now()
    deadline = now - timedelta(seconds=stall_seconds())
    count = 0
    for order_id in selectors.product_order_ids_stalled(before=deadline):
        with transaction.atomic():
            order = selectors.product_order_lock(order_id=order_id, skip_locked=True)
            if order is None or order.fallout_requested_at is not None or order.last_progress_at >= deadline:
                continue
            if order.state == OrderState.HELD and _in_fallout(order):
                continue  # the operator already has its case: the order waits for them, it is not stalled
            order.fallout_requested_at = now
            order.save(update_fields=["fallout_requested_at"])
            event_emit(event_type=events.FALLOUT_REQUESTED, resource_type="productOrder", resource_id=order.pk,
                       payload=events.fallout_payload(
                           kind="order_stalled", order=order,
                           summary=f"product order {order.pk} made no progress since {order.last_progress_at:%Y-%m-%d %H:%M}",
                           state=order.state, last_progress_at=order.last_progress_at.isoformat()))
            count += 1
    return count


def _in_fallout(order: ProductOrder) -> bool:
    if fallout_selectors.fallout_case_list_active_for(product_order_id=str(order.pk)).exists():
        return True
    return any(fallout_selectors.fallout_case_list_active_for(service_order_id=service_order_id).exists()
               for service_order_id in selectors.service_order_ids_held(order=order))


# --- drift on what an order built -----------------------------------------------------------------------------
def product_order_note_drift(*, service_id: str, note_id: str, text: str) -> list[ProductOrder]:
    """Reconciliation found drift on a service an order built, or the drift settled: COM notes it on those
    orders (TMF622 note, author "reconciliation"), so the channel and the order timeline see it. The order's
    state does not move: what the service does now is the inventories' to say. Once per note id (redelivery)."""
    changed = []
    with transaction.atomic():
        order_ids = set(ServiceItem.objects.filter(service_id=str(service_id))
                        .values_list("order_item__order_id", flat=True))
        for order in ProductOrder.objects.select_for_update().filter(pk__in=order_ids).order_by("pk"):
            if any(note.get("id") == note_id for note in order.notes):
                continue
            note = {"id": note_id, "author": "reconciliation", "date": timezone.now().isoformat(), "text": text}
            order.notes = [*order.notes, note]
            order.save(update_fields=["notes", "updated_at"])
            _emit(order, events.PRODUCT_ORDER_ATTRIBUTE_VALUE_CHANGE, changed=["notes"])
            changed.append(order)
    return changed


def decomposition_rule_check(*, rule_data: dict) -> None:
    """Admin-side sanity of a rule's characteristic map (every value a name or {"value": x})."""
    for name, source in (rule_data.get("characteristic_map") or {}).items():
        if not isinstance(source, str) and not (isinstance(source, dict) and "value" in source):
            raise ValidationFailed(f"characteristic_map[{name!r}] must be a product characteristic name or "
                                   "{\"value\": ...}", reference_error="characteristic_map")
