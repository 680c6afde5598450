"""The order timeline of real TMF622 orders: one just acknowledged, one delivered through activation, one whose
activation failed and was re-driven by an operator (driven in this process, as the worker would)."""
import pytest

from tests.catalog_fixtures import demo_catalog  # noqa: F401 (fixture)
from tests.fallout.scenarios import platforms_answer_at_once, product_order_post


@pytest.fixture
def placed_order(demo_catalog):  # noqa: F811
    return product_order_post(demo_catalog, "VoIP Line", {"codec": "G.722"})


@pytest.fixture
def activation(db):
    """Platforms answer at once (no callbacks), so the whole activation runs in this process."""
    platforms_answer_at_once()


def test_product_order_page_shows_the_order_and_its_timeline(operator_client, placed_order):
    response = operator_client.get(f"/console/orders/{placed_order}/")

    assert response.status_code == 200
    assert response.context["order"].state == "acknowledged"
    assert [item.item_id for item in response.context["items"]] == ["1"]
    assert [entry["what"] for entry in response.context["entries"]] == ["ProductOrderCreateEvent"]


def rows(response, names: dict) -> list[tuple]:
    """The timeline as shown, each subject's id replaced by a readable name."""
    def subject(text):
        kind, _, resource = text.partition(" ")
        resource_id, _, label = resource.partition(" ")
        name = names.get((kind.lower(), resource_id), names.get(resource_id, resource_id))
        return " ".join(part for part in (kind, name, label) if part)

    return [(entry["kind"], subject(entry["subject"]), entry["what"], entry["who"], entry["why"])
            for entry in response.context["entries"]]


def ids_of(order_id) -> dict:
    """Readable names for every id in a one-item, one-service order's story. Integer ids of different tables
    can be equal, so those are named by (kind, id)."""
    from apps.product_ordering.models import ProductOrder, ServiceItem
    from apps.service_ordering.models import ActivationJob, ServiceOrder

    order = ProductOrder.objects.get(pk=order_id)
    service_item = ServiceItem.objects.get(order_item__order=order)
    service_order = ServiceOrder.objects.get(pk=service_item.service_order_id)
    so_item = service_order.items.get()
    names = {str(order.pk): "PO", ("productorderitem", str(order.items.get().pk)): "PO/1",
             ("serviceitem", str(service_item.pk)): "SI", str(service_order.pk): "SO",
             ("serviceorderitem", str(so_item.pk)): "SO/1", str(so_item.service_id): "SVC"}
    for job in ActivationJob.objects.filter(item=so_item):
        names[("activationjob", str(job.pk))] = f"job#{job.run}"
    return names


def test_timeline_merges_the_product_order_and_its_service_order_in_time_order(operator_client, placed_order,
                                                                               activation):
    from tests.service_ordering.activation import drive

    drive()

    response = operator_client.get(f"/console/orders/{placed_order}/")

    assert response.context["order"].state == "completed"
    assert rows(response, ids_of(placed_order)) == [
        ("event", "productOrder PO", "ProductOrderCreateEvent", "", "state=acknowledged"),
        ("transition", "productorder PO", "start: acknowledged → inProgress", "system", "validated and decomposed"),
        ("event", "productOrder PO", "ProductOrderStateChangeEvent", "", "state=inProgress"),
        ("transition", "productorderitem PO/1", "start: acknowledged → inProgress", "system", ""),
        ("event", "serviceOrder SO", "ServiceOrderCreateEvent", "", "state=acknowledged"),
        ("transition", "serviceitem SI", "submit: planned → submitted", "system", "attempt 1"),
        ("transition", "serviceorder SO", "start: acknowledged → inProgress", "system", ""),
        ("event", "serviceOrder SO", "ServiceOrderStateChangeEvent", "", "state=inProgress"),
        ("transition", "serviceorderitem SO/1", "start: acknowledged → inProgress", "system", ""),
        ("event", "service SVC", "ServiceCreateEvent", "", "state=designed, operating_status=ok"),
        ("transition", "activationjob job#1 allocate_number", "claim: pending → running", "system", ""),
        ("transition", "activationjob job#1 allocate_number", "succeed: running → done", "system", ""),
        ("event", "service SVC", "ServiceStateChangeEvent", "", "state=reserved, operating_status=ok"),
        ("event", "service SVC", "ServiceAttributeValueChangeEvent", "", "state=reserved, operating_status=ok"),
        ("transition", "activationjob job#1 configure_sip", "claim: pending → running", "system", ""),
        ("transition", "activationjob job#1 configure_sip", "succeed: running → done", "system", ""),
        ("event", "service SVC", "ServiceStateChangeEvent", "", "state=inactive, operating_status=ok"),
        ("event", "service SVC", "ServiceAttributeValueChangeEvent", "", "state=inactive, operating_status=ok"),
        ("transition", "serviceorderitem SO/1", "complete: inProgress → completed", "system", ""),
        ("event", "service SVC", "ServiceStateChangeEvent", "", "state=active, operating_status=ok"),
        ("event", "serviceOrder SO", "ServiceOrderMilestoneEvent", "", "state=inProgress"),
        ("event", "serviceOrder SO", "ServiceOrderItemStateChangeEvent", "", f"state=completed, key={names_key()}"),
        ("event", "serviceOrder SO", "ServiceOrderAttributeValueChangeEvent", "", "state=inProgress"),
        ("transition", "serviceorder SO", "complete: inProgress → completed", "system", ""),
        ("event", "serviceOrder SO", "ServiceOrderStateChangeEvent", "", "state=completed"),
        ("transition", "serviceitem SI", "complete: submitted → completed", "system", "completed"),
        ("transition", "productorderitem PO/1", "complete: inProgress → completed", "system", ""),
        ("transition", "productorder PO", "complete: inProgress → completed", "system", ""),
        ("event", "productOrder PO", "ProductOrderStateChangeEvent", "", "state=completed"),
    ]
    body = response.content.decode()
    assert body.count('<tr class="transition">') == 14 and body.count('<tr class="event">') == 15


def test_timeline_shows_the_operators_redrive_of_a_failed_activation_with_who_and_why(operator_client, placed_order,
                                                                                     activation):
    from apps.fallout.models import FalloutCase
    from apps.fallout.services import fallout_case_redrive
    from apps.network.services import network_sim_fail, network_sim_reset
    from tests.service_ordering.activation import drive

    network_sim_fail(platform="voip_softswitch", rate=1.0, mode="reject")
    drive()
    case = FalloutCase.objects.get(product_order_id=placed_order)
    network_sim_reset()
    fallout_case_redrive(case_id=case.pk, actor="olga", reason="softswitch answers again")
    drive()
    from apps.product_ordering.selectors import product_order_get

    assert product_order_get(order_id=placed_order).state == "completed"  # held meanwhile, completed by the re-drive

    response = operator_client.get(f"/console/orders/{placed_order}/")

    names = {**ids_of(placed_order), str(case.pk): "CASE"}
    # What people did, and what happened to the case, in time order among everything else.
    assert [row for row in rows(response, names) if row[3] not in ("", "system") or "CASE" in row[1]] == [
        ("event", "falloutCase CASE", "FalloutCaseCreateEvent", "", "state=open, kind=stepFailed"),
        ("transition", "serviceorderitem SO/1", "redrive: failed → inProgress", "olga", "softswitch answers again"),
        ("transition", "serviceorder SO", "start: failed → inProgress", "olga", ""),
        ("transition", "falloutcase CASE", "redrive: open → inProgress", "olga", "softswitch answers again"),
        ("event", "falloutCase CASE", "FalloutCaseStateChangeEvent", "", "state=inProgress, kind=stepFailed"),
        ("transition", "falloutcase CASE", "resolve: inProgress → resolved", "system", "item completed"),
        ("event", "falloutCase CASE", "FalloutCaseStateChangeEvent", "", "state=resolved, kind=stepFailed"),
    ]
    whats = [row[2] for row in rows(response, names)]
    assert whats.index("fail: inProgress → failed") < whats.index("FalloutCaseCreateEvent") < whats.index(
        "redrive: failed → inProgress") < whats.index("complete: inProgress → completed")
    assert [case.pk for case in response.context["cases"]] == [case.pk]


def names_key() -> str:
    from apps.product_ordering.models import ServiceItem

    return ServiceItem.objects.get().key


def test_lookup_finds_a_product_order(operator_client, placed_order):
    assert operator_client.get(f"/console/lookup?id={placed_order}")["Location"] == f"/console/orders/{placed_order}/"


def test_dashboard_counts_orders_by_state(operator_client, placed_order):
    rows = operator_client.get("/console/").context["orders_by_state"]

    assert rows == [{"label": "acknowledged", "value": 1, "percent": 100}]


def test_unknown_product_order_is_404(operator_client):
    assert operator_client.get("/console/orders/00000000-0000-0000-0000-000000000000/").status_code == 404
