"""The catalog lifecycle machine (shared by every catalog item): every state × transition, moves along paths,
and concurrent transitions."""
import threading

import pytest
from django.db import connection, transaction
from django_fsm import ConcurrentTransition, can_proceed

from apps.product_catalog.models import ProductOffering, ProductOfferingPrice
from apps.product_catalog.services import product_offering_create, product_offering_update
from apps.service_catalog.catalog_base import LIFECYCLE_TRANSITIONS, catalog_item_transition, lifecycle_path
from apps.service_catalog.models import ServiceSpecification
from bss.errors import IllegalTransition
from bss.fsm import transition_history
from bss.models import OutboxEvent

STATES = ["inDesign", "inTest", "active", "launched", "retired", "obsolete"]
ALLOWED = {  # (state, transition) → target; anything missing is refused
    ("inDesign", "test"): "inTest",
    ("inTest", "redesign"): "inDesign",
    ("inTest", "activate"): "active",
    ("retired", "activate"): "active",
    ("active", "launch"): "launched",
    ("active", "retire"): "retired",
    ("launched", "retire"): "retired",
    ("retired", "obsolete"): "obsolete",
}


def in_state(model, state, **columns):
    return model(lifecycle_status=state, name="x", **columns)


@pytest.mark.parametrize("model", [ProductOffering, ProductOfferingPrice, ServiceSpecification])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("transition", LIFECYCLE_TRANSITIONS)
def test_transition_matrix(model, state, transition):
    item = in_state(model, state)
    allowed = can_proceed(getattr(item, transition))
    assert allowed == ((state, transition) in ALLOWED)
    if allowed:
        getattr(item, transition)()
        assert item.lifecycle_status == ALLOWED[(state, transition)]


def test_obsolete_has_no_way_out():
    assert all(lifecycle_path(ProductOffering, "obsolete", target) is None for target in STATES if target != "obsolete")
    assert lifecycle_path(ProductOffering, "inDesign", "obsolete") == ["test", "activate", "retire", "obsolete"]


def test_created_with_a_status_walks_the_machine_and_logs_each_step(db):
    offering = product_offering_create(name="Walk", lifecycle_status="launched")
    assert offering.lifecycle_status == "launched"
    assert [(log.transition, log.source_state, log.target_state) for log in transition_history(offering)] == [
        ("test", "inDesign", "inTest"), ("activate", "inTest", "active"), ("launch", "active", "launched")]


def test_obsolete_to_active_is_refused_409_and_nothing_changes(db):
    offering = product_offering_create(name="Old", lifecycle_status="obsolete")
    events, logs = OutboxEvent.objects.count(), transition_history(offering).count()
    with pytest.raises(IllegalTransition) as refused:
        product_offering_update(offering=offering, lifecycle_status="active", status_reason="revived")
    assert refused.value.status == 409
    offering = ProductOffering.objects.get(pk=offering.pk)
    assert (offering.lifecycle_status, offering.status_reason) == ("obsolete", "")
    assert (OutboxEvent.objects.count(), transition_history(offering).count()) == (events, logs)


def test_admin_transition_service_refuses_unknown_names(db):
    offering = product_offering_create(name="Plain")
    with pytest.raises(IllegalTransition):
        catalog_item_transition(item=offering, transition="delete")


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_on_one_row_apply_once():
    """Two writers retire the same active offering at once: one wins, the other is refused; one log row."""
    offering = product_offering_create(name="Race", lifecycle_status="active")
    barrier = threading.Barrier(2)
    outcomes = []

    def retire():
        try:
            barrier.wait()
            catalog_item_transition(item=ProductOffering.objects.get(pk=offering.pk), transition="retire")
            outcomes.append("ok")
        except IllegalTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=retire) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert ProductOffering.objects.get(pk=offering.pk).lifecycle_status == "retired"
    assert [log.transition for log in transition_history(offering)][-1:] == ["retire"]
    assert transition_history(offering).filter(transition="retire").count() == 1


@pytest.mark.django_db(transaction=True)
def test_stale_copy_cannot_overwrite_a_newer_state():
    """ConcurrentTransitionMixin: saving a transition made on a stale object fails instead of overwriting."""
    offering = product_offering_create(name="Stale", lifecycle_status="active")
    stale = ProductOffering.objects.get(pk=offering.pk)
    catalog_item_transition(item=offering, transition="launch")
    stale.retire()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    assert ProductOffering.objects.get(pk=offering.pk).lifecycle_status == "launched"


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_of_one_name_share_one_lineage():
    """Two POSTs of the same new name at once: one lineage, versions 1.0 and 2.0 (never two 1.0 lineages)."""
    barrier = threading.Barrier(2)

    def create():
        try:
            barrier.wait()
            product_offering_create(name="Twin")
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = ProductOffering.objects.filter(name="Twin")
    assert sorted(rows.values_list("version", flat=True)) == ["1.0", "2.0"]
    assert len({row.lineage for row in rows}) == 1
