"""Writes to the service inventory. Activation calls these as it progresses; back-office clients via TMF638."""
from django.db import transaction
from django.utils import timezone

from bss.errors import IllegalTransition, NotFound, ValidationFailed
from bss.events import event_emit, service_atomic
from bss.fsm import transition_apply

from . import events
from .choices import TRANSITION_TO, OperatingStatus, ServiceState
from .models import Service
from .selectors import service_get_for_update

# Plain attributes a back-office client may set on create and change by PATCH.
DESCRIPTIVE_FIELDS = ("name", "description", "category", "service_type", "start_date", "end_date", "start_mode",
                      "is_bundle", "is_service_enabled", "is_stateful", "has_started", "service_date",
                      "characteristics", "supporting_resources", "supporting_services", "related_parties",
                      "order_items", "places", "features", "notes", "service_relationships", "related_entities",
                      "spec_id", "spec_version", "spec_name", "operating_status", "at_type", "at_base_type",
                      "at_schema_location")


def _emit(service: Service, event_type: str, **extra) -> None:
    event_emit(event_type=event_type, api=events.API, resource_type=events.RESOURCE_TYPE, resource_id=service.pk,
               owner_party_id=service.owner_party_id, payload=events.service_payload(service, **extra))


@service_atomic()
def service_create(*, spec_id: str, state: str = ServiceState.DESIGNED, owner_party_id: str = "",
                   family: str = "", service_id=None, **attributes) -> Service:
    if state not in ServiceState.values:
        raise ValidationFailed(f"unknown state {state!r}", reference_error="state")
    if state == ServiceState.TERMINATED:
        raise ValidationFailed("a service cannot be created terminated", reference_error="state")
    unknown = set(attributes) - set(DESCRIPTIVE_FIELDS)
    if unknown:
        raise ValueError(f"not service attributes: {sorted(unknown)}")
    service = Service(spec_id=spec_id, state=state, owner_party_id=owner_party_id, family=family,
                      **({"pk": service_id} if service_id else {}),
                      **{name: value for name, value in attributes.items() if value is not None})
    if state == ServiceState.ACTIVE:
        service.start_date = service.start_date or service.service_date
        service.has_started = True if service.has_started is None else service.has_started
    service.save()
    _emit(service, events.SERVICE_CREATE)
    return service


@transaction.atomic
def service_adopt(*, service_id, spec_id: str, family: str, characteristics: dict, platform: str,
                  spec_version: str = "", spec_name: str = "") -> Service:
    """Record a service the network runs but TMF638 does not know (reconciliation's adoption, carried out by
    activation's repair job): active, under the network's service id, with the observed configuration as its
    characteristics and a note saying where it came from. Idempotent: a record that exists is returned as is."""
    existing = service_get_for_update(service_id=service_id)
    if existing is not None:
        return existing
    note = {"author": "reconciliation", "date": timezone.now().isoformat(),
            "text": f"adopted by reconciliation from the configuration observed on {platform}"}
    return service_create(spec_id=spec_id, state=ServiceState.ACTIVE, family=family, service_id=service_id,
                          spec_version=spec_version, spec_name=spec_name, name=spec_name,
                          characteristics=dict(characteristics), notes=[note])


def service_state_set(*, service: Service, state: str, reason: str = "", also_save: tuple[str, ...] = ()) -> bool:
    """Move the (locked) service along its lifecycle; False when it is already there. `also_save` names fields
    the caller changed on the instance, saved in the same UPDATE."""
    if state == service.state:
        return False
    transition = TRANSITION_TO.get(state)
    if transition is None:
        raise IllegalTransition(f"service {service.pk} cannot go back to '{state}'", reference_error="state")
    had_started = bool(service.has_started)
    transition_apply(service, transition, reason=reason, update_fields=(*also_save, "start_date", "end_date",
                                                                       "has_started", "updated_at"))
    _emit(service, events.SERVICE_STATE_CHANGE, had_started=had_started)
    return True


@transaction.atomic
def service_update(*, service_id, changes: dict, reason: str = "") -> Service:
    """Merge changes into the service; `state` moves through its transitions (409 when not allowed)."""
    service = service_get_for_update(service_id=service_id)
    if service is None:
        raise NotFound(f"no service with id {service_id}")
    return _service_change(service, changes, reason)


def _service_change(service: Service, changes: dict, reason: str) -> Service:
    changes = dict(changes)
    state = changes.pop("state", None)
    if "operating_status" in changes and changes["operating_status"] not in OperatingStatus.values:
        raise ValidationFailed("unknown operating status", reference_error="operatingStatus")
    changed = [name for name, value in changes.items() if getattr(service, name) != value]
    for name in changed:
        setattr(service, name, changes[name])
    # One UPDATE: the changed fields ride along with the state transition when there is one.
    moved = state is not None and service_state_set(service=service, state=state, reason=reason,
                                                    also_save=tuple(changed))
    if changed and not moved:
        service.save(update_fields=[*changed, "updated_at"])
    if changed:
        _emit(service, events.SERVICE_ATTRIBUTE_VALUE_CHANGE, changed=sorted(changed))
    return service


def service_progress(*, service_id, state: str | None = None, characteristics: dict | None = None,
                     supporting_resources: list | None = None, order_item: dict | None = None) -> Service:
    """Activation's progressive write: merge the applied configuration and resources, then move the state."""
    with service_atomic():
        return _service_progress(service_id, state, characteristics, supporting_resources, order_item)


def _service_progress(service_id, state, characteristics, supporting_resources, order_item) -> Service:
    changes = {}
    service = service_get_for_update(service_id=service_id)
    if service is None:
        raise NotFound(f"no service with id {service_id}")
    if characteristics:
        changes["characteristics"] = {**service.characteristics, **characteristics}
    if supporting_resources:
        known = {resource["id"] for resource in service.supporting_resources}
        changes["supporting_resources"] = service.supporting_resources + [
            resource for resource in supporting_resources if resource["id"] not in known]
    if order_item and order_item not in service.order_items:
        changes["order_items"] = service.order_items + [order_item]
    if state is not None:
        changes["state"] = state
    return _service_change(service, changes, "activation")


@transaction.atomic
def service_operating_status_set(*, service_id, status: str, reason: str = "") -> Service:
    return service_update(service_id=service_id, changes={"operating_status": status}, reason=reason)


@transaction.atomic
def service_delete(*, service_id) -> None:
    """Back-office removal of a record that never ran or has ended; a live service is terminated by an order."""
    service = service_get_for_update(service_id=service_id)
    if service is None:
        raise NotFound(f"no service with id {service_id}")
    if service.state in (ServiceState.ACTIVE, ServiceState.INACTIVE, ServiceState.RESERVED):
        raise IllegalTransition(f"service {service_id} is {service.state}; terminate it through a service order")
    _emit(service, events.SERVICE_DELETE)
    service.delete()
