import pytest

from apps.fallout import services as fallout_services
from apps.fallout.models import FalloutCase
from bss.fsm import transition_history
from bss.models import Delivery, OutboxEvent, TransitionLog

PAGES = ["/console/", "/console/fallout/", "/console/deliveries/", "/console/drift/", "/console/network/",
         "/console/timeline/abc/", "/console/lookup?id=x"]


def open_case(**overrides):
    fields = {"source": "activation", "kind": "stepExhausted", "summary": "apply failed on access_controller",
              "service_order_id": "so-1", "item_key": "item-1"}
    return fallout_services.fallout_case_open(**{**fields, **overrides})


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/console/")


def test_non_staff_user_is_sent_to_login(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="cust", password="pw"))

    assert client.get("/console/").status_code == 302


@pytest.mark.parametrize("url", PAGES[:6])
def test_staff_pages_render(viewer_client, url):
    open_case()

    assert viewer_client.get(url).status_code == 200


def test_dashboard_shows_fallout_by_age_and_backlog(operator_client):
    open_case()
    open_case(item_key="item-2")

    body = operator_client.get("/console/").content.decode()

    assert 'id="fallout-by-age"' in body
    assert '<span>&lt; 1 h</span><span class="bar" style="width: 100%"></span><span class="value">2</span>' in body
    assert '<span>handler deliveries</span>' in body


def test_worklist_filters_by_state_and_source(operator_client):
    first = open_case()
    open_case(source="notifications", kind="deliveryDeadLettered", delivery_id="7", service_order_id="", item_key="")
    fallout_services.fallout_case_cancel(case_id=open_case(item_key="x").pk, actor="olga", reason="dup")

    page = operator_client.get("/console/fallout/?state=open,assigned&source=activation").context["page"]

    assert [case.pk for case in page] == [first.pk]


def test_worklist_refuses_a_bad_filter_with_400(operator_client):
    response = operator_client.get("/console/fallout/?createdAt.lt=yesterday")

    assert response.status_code == 400
    assert "Invalid filter" in response.content.decode()


def test_operator_action_is_recorded_with_who_and_why(operator_client):
    case = open_case()

    assigned = operator_client.post(f"/console/fallout/{case.pk}/act", {"action": "assign", "reason": "mine"})
    resolved = operator_client.post(f"/console/fallout/{case.pk}/act",
                                    {"action": "resolve", "reason": "fixed on the element manager"})

    assert assigned.status_code == resolved.status_code == 302
    case = FalloutCase.objects.get(pk=case.pk)
    assert (case.state, case.assignee, case.resolution) == ("resolved", "olga", "fixed on the element manager")
    assert list(transition_history(case).values_list("transition", "actor", "reason")) == [
        ("assign", "olga", "mine"), ("resolve", "olga", "fixed on the element manager")]


def test_refused_action_shows_the_reason_with_its_status_and_changes_nothing(operator_client):
    case = open_case()
    fallout_services.fallout_case_cancel(case_id=case.pk, actor="olga", reason="dup")
    logs = TransitionLog.objects.count()

    response = operator_client.post(f"/console/fallout/{case.pk}/act", {"action": "resolve", "reason": "x"})

    assert response.status_code == 409
    assert "ILLEGAL_TRANSITION" in response.content.decode()
    assert FalloutCase.objects.get(pk=case.pk).state == "cancelled"
    assert TransitionLog.objects.count() == logs


def test_unknown_action_is_400_and_changes_nothing(operator_client):
    case = open_case()

    response = operator_client.post(f"/console/fallout/{case.pk}/act", {"action": "reboot", "reason": "x"})

    assert response.status_code == 400
    assert FalloutCase.objects.get(pk=case.pk).state == "open"


def test_viewer_may_not_act(viewer_client):
    case = open_case()

    response = viewer_client.post(f"/console/fallout/{case.pk}/act", {"action": "resolve", "reason": "x"})

    assert response.status_code == 403
    assert FalloutCase.objects.get(pk=case.pk).state == "open"
    assert TransitionLog.objects.count() == 0


def test_actions_need_csrf(db):
    from django.test import Client

    from tests.console.conftest import staff_user

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user("olga", "operator"))
    case = open_case()

    response = client.post(f"/console/fallout/{case.pk}/act", {"action": "resolve", "reason": "x"})

    assert response.status_code == 403
    assert FalloutCase.objects.get(pk=case.pk).state == "open"


def test_case_page_offers_only_possible_actions(operator_client):
    case = open_case()

    body = operator_client.get(f"/console/fallout/{case.pk}/").content.decode()

    assert 'value="redrive"' in body and 'value="assign"' in body
    assert 'value="start"' not in body


def test_unknown_case_is_404(operator_client):
    assert operator_client.get("/console/fallout/nope/").status_code == 404


def test_dead_letter_redrive_goes_through_a_fallout_case(operator_client):
    event = OutboxEvent.objects.create(event_type="ProductOrderCreateEvent", resource_type="productOrder",
                                       resource_id="po-1", state=OutboxEvent.State.DISPATCHED)
    delivery = Delivery.objects.create(event=event, kind=Delivery.Kind.LISTENER, target="sub-1",
                                       state=Delivery.State.DEAD, attempts=8)

    listed = operator_client.get("/console/deliveries/").content.decode()
    response = operator_client.post(f"/console/deliveries/{delivery.pk}/redrive", {"reason": "listener fixed"})

    assert "ProductOrderCreateEvent" in listed
    delivery.refresh_from_db()
    case = FalloutCase.objects.get(delivery_id=str(delivery.pk))
    assert response["Location"] == f"/console/fallout/{case.pk}/"
    assert (delivery.state, delivery.attempts, case.state) == ("pending", 0, "inProgress")
    assert list(transition_history(case).values_list("transition", "actor", "reason")) == [
        ("redrive", "olga", "listener fixed")]


def dead_delivery():
    event = OutboxEvent.objects.create(event_type="ProductOrderStateChangeEvent", resource_type="productOrder",
                                       resource_id="po-2", state=OutboxEvent.State.DISPATCHED)
    return Delivery.objects.create(event=event, kind=Delivery.Kind.LISTENER, target="sub-2",
                                   resource="productOrder/po-2", state=Delivery.State.DEAD, attempts=10,
                                   last_error="ConnectionError()")


def test_a_resent_dead_letter_is_pending_again_and_the_staff_action_is_audited(operator_client):
    from apps.console.models import StaffAction

    delivery = dead_delivery()

    response = operator_client.post(f"/console/deliveries/{delivery.pk}/redrive", {"reason": "listener back"})

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("pending", 0, None)
    assert list(StaffAction.objects.values_list("username", "action", "target", "params", "status")) == [
        ("olga", "delivery_redrive", str(delivery.pk), {"reason": "listener back"}, 302)]


@pytest.mark.parametrize("who", ["viewer", "not staff"])
def test_a_resend_by_someone_who_may_not_act_changes_nothing(viewer_client, client, django_user_model, who):
    from apps.console.models import StaffAction

    delivery = dead_delivery()
    if who == "not staff":
        client.force_login(django_user_model.objects.create_user(username="cust", password="pw"))
    poster = viewer_client if who == "viewer" else client

    response = poster.post(f"/console/deliveries/{delivery.pk}/redrive", {"reason": "let me"})

    assert response.status_code == (403 if who == "viewer" else 302)  # the page refuses, or login is asked for
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("dead", 10, "ConnectionError()")
    assert FalloutCase.objects.count() == 0
    assert list(StaffAction.objects.values_list("username", "status")) == (
        [("carl", 403)] if who == "viewer" else [])


def test_redrive_of_a_live_delivery_is_refused_and_opens_no_case(operator_client):
    event = OutboxEvent.objects.create(event_type="X", resource_type="x", resource_id="1")
    delivery = Delivery.objects.create(event=event, kind=Delivery.Kind.LISTENER, target="sub-1")

    response = operator_client.post(f"/console/deliveries/{delivery.pk}/redrive", {"reason": "try"})

    assert response.status_code == 409
    assert FalloutCase.objects.count() == 0


def test_timeline_lists_the_events_of_an_id(operator_client):
    case = open_case()
    fallout_services.fallout_case_assign(case_id=case.pk, assignee="olga", actor="lead", reason="yours")

    entries = operator_client.get(f"/console/timeline/{case.pk}/").context["entries"]

    assert [(entry["kind"], entry["what"], entry["why"]) for entry in entries] == [
        ("event", "FalloutCaseCreateEvent", "state=open, kind=stepExhausted"),
        ("event", "FalloutCaseStateChangeEvent", "state=assigned, kind=stepExhausted")]


def test_lookup_sends_each_kind_of_id_to_its_page(operator_client):
    case = open_case()

    assert operator_client.get(f"/console/lookup?id={case.pk}")["Location"] == f"/console/fallout/{case.pk}/"
    assert operator_client.get("/console/lookup?id=nothing")["Location"] == "/console/timeline/nothing/"


def test_percentile_is_nearest_rank():
    from apps.console.selectors import percentile

    assert [percentile([1.0, 2.0, 3.0, 4.0], p) for p in (50, 90, 99)] == [2.0, 4.0, 4.0]
    assert percentile([], 50) is None


def test_header_links_to_both_catalog_admins(viewer_client):
    body = viewer_client.get("/console/").content.decode()

    assert 'href="/admin/product_catalog/"' in body and 'href="/admin/service_catalog/"' in body


def test_case_page_offers_only_the_actions_of_its_source(operator_client):
    case = open_case(source="notifications", kind="deliveryDeadLettered", delivery_id="9", service_order_id="",
                     item_key="")

    body = operator_client.get(f"/console/fallout/{case.pk}/").content.decode()

    assert 'value="redrive"' in body
    assert 'value="skip_step"' not in body and 'value="sync_inventory"' not in body


def test_worklist_links_each_case_to_its_order(operator_client):
    activation = open_case(product_order_id="4f2bcae1-63d4-48eb-ad13-4e77d719e952")
    bare = open_case(item_key="item-2")
    drift = open_case(source="reconciliation", kind="configDrift", service_id="svc-9", service_order_id="",
                      item_key="")

    body = operator_client.get("/console/fallout/").content.decode()

    def order_cell(case):
        row = body.split(f'<tr data-case="{case.pk}">')[1].split("</tr>")[0]
        return row.split('<td class="order">')[1].split("</td>")[0]

    assert order_cell(activation) == ('<a href="/console/orders/4f2bcae1-63d4-48eb-ad13-4e77d719e952/">'
                                      'product order 4f2bcae1…</a>')
    assert order_cell(bare) == '<a href="/console/service-orders/so-1/">service order so-1</a>'
    assert order_cell(drift) == ""


def test_case_page_warns_only_when_com_has_already_ended_the_product_order(operator_client, demo_catalog):
    from apps.fallout.services import fallout_case_cancel
    from apps.network.services import network_sim_fail
    from apps.product_ordering.selectors import product_order_get
    from tests.fallout.scenarios import platforms_answer_at_once, product_order_post
    from tests.service_ordering.activation import drive

    platforms_answer_at_once()
    network_sim_fail(platform="voip_softswitch", rate=1.0, mode="reject")
    order_id = product_order_post(demo_catalog, "VoIP Line", {"codec": "G.722"})
    drive()  # the line fails into a case: COM holds the order for the operator
    on_held = FalloutCase.objects.get(product_order_id=order_id)
    assert product_order_get(order_id=order_id).state == "held"
    held = operator_client.get(f"/console/fallout/{on_held.pk}/").content.decode()
    # The operator gives up: COM fails the order. A later case about it (say, a repeat) gets the warning.
    fallout_case_cancel(case_id=on_held.pk, actor="olga", reason="no number range left")
    drive()
    assert product_order_get(order_id=order_id).state == "failed"
    on_ended = open_case(product_order_id=order_id, service_order_id=on_held.service_order_id,
                         item_key=on_held.item_key)

    warned = operator_client.get(f"/console/fallout/{on_ended.pk}/").content.decode()

    assert '<p class="warning" id="order-ended">The product order is already failed:' in warned
    assert 'value="redrive"' in warned  # still offered: the service can be finished
    assert 'id="order-ended"' not in held
    assert 'value="redrive"' in held
