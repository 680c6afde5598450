"""Staff pages, generated from the URL configuration and the admin registry: anonymous and non-staff users are
sent to the login page, staff without an acting role are refused every console action (403, nothing changed),
and every console action and admin change is audited: who, what, on what, when."""
import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from apps.console.models import StaffAction
from apps.fallout import services as fallout_services
from apps.fallout.models import FalloutCase
from apps.network.selectors import simulator_status
from bss.models import Delivery, OutboxEvent, TransitionLog


def console_routes():
    """(url with placeholder arguments, is an operator action) for every console route."""
    console = next(entry for entry in get_resolver().url_patterns
                   if isinstance(entry, URLResolver) and str(entry.pattern) == "console/")
    routes = []
    for entry in console.url_patterns:
        assert isinstance(entry, URLPattern)
        url = "/console/" + str(entry.pattern).replace("<int:delivery_id>", "1")
        for converter in ("<str:case_id>", "<str:order_id>", "<str:service_order_id>", "<str:service_id>",
                          "<str:resource_id>", "<str:action>"):
            url = url.replace(converter, "x")
        routes.append((url, bool(getattr(entry.callback, "audited_action", False))))
    return routes


ROUTES = console_routes()
ACTIONS = [url for url, is_action in ROUTES if is_action]


def staff_user(username, group=None, **extra):
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=True, **extra)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def state_of_everything():
    return (TransitionLog.objects.count(), OutboxEvent.objects.count(), Delivery.objects.count(),
            list(FalloutCase.objects.values_list("pk", "state", "assignee")), simulator_status())


def open_case():
    return fallout_services.fallout_case_open(source="activation", kind="stepExhausted", summary="apply failed",
                                              service_order_id="so-1", item_key="item-1")


def test_the_walk_finds_the_pages_and_the_actions():
    assert ACTIONS == ["/console/fallout/x/act", "/console/deliveries/1/redrive", "/console/network/x"]
    assert len(ROUTES) > len(ACTIONS) + 5


@pytest.mark.parametrize("url, is_action", ROUTES)
@pytest.mark.parametrize("who", ["anonymous", "not staff"])
def test_outsiders_are_sent_to_login_and_change_nothing(client, db, django_user_model, url, is_action, who):
    if who == "not staff":
        client.force_login(django_user_model.objects.create_user(username="cust", password="pw"))
    case = open_case()
    before = state_of_everything()

    response = client.post(url, {"action": "resolve", "reason": "x"}) if is_action else client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url.split('?')[0]}"
    assert state_of_everything() == before
    assert FalloutCase.objects.get(pk=case.pk).state == "open"
    assert StaffAction.objects.count() == 0  # not staff: nothing to audit, nothing done


@pytest.mark.parametrize("url", ACTIONS)
@pytest.mark.parametrize("group", [None, "catalog manager"])
def test_staff_without_an_acting_role_are_refused_every_action_and_it_is_audited(db, url, group):
    case = open_case()
    url = url.replace("/x/", f"/{case.pk}/").replace("/network/x", "/network/reset")
    user = staff_user("carl", group)
    before = state_of_everything()

    response = logged_in(user).post(url, {"action": "resolve", "reason": "because"})

    assert response.status_code == 403
    assert state_of_everything() == before
    audit = StaffAction.objects.get()
    assert (audit.user, audit.username, audit.status, audit.params["reason"]) == (user, "carl", 403, "because")


def test_an_operators_console_actions_are_audited_with_who_what_on_what_and_when(db):
    case = open_case()
    olga = staff_user("olga", "operator")
    client = logged_in(olga)

    resolved = client.post(f"/console/fallout/{case.pk}/act", {"action": "resolve", "reason": "fixed by hand"})
    faulted = client.post("/console/network/fail", {"platform": "ipam", "mode": "reject", "rate": "1"})
    refused = client.post(f"/console/fallout/{case.pk}/act", {"action": "redrive", "reason": "again"})

    assert (resolved.status_code, faulted.status_code, refused.status_code) == (302, 302, 409)
    rows = list(StaffAction.objects.order_by("id").values_list("username", "action", "target", "params", "status"))
    assert rows == [
        ("olga", "fallout_case_action:resolve", str(case.pk), {"action": "resolve", "reason": "fixed by hand"}, 302),
        ("olga", "network_action", "fail", {"platform": "ipam", "mode": "reject", "rate": "1"}, 302),
        ("olga", "fallout_case_action:redrive", str(case.pk), {"action": "redrive", "reason": "again"}, 409)]
    first, last = StaffAction.objects.order_by("id").first(), StaffAction.objects.order_by("id").last()
    assert first.user == olga and first.at <= last.at
    # The state change itself carries the same actor in the transition log.
    assert TransitionLog.objects.filter(object_id=str(case.pk), transition="resolve").get().actor == "olga"


def test_the_audit_cannot_be_edited_in_the_admin(db):
    root = staff_user("root", is_superuser=True)
    row = StaffAction.objects.create(user=root, username="root", action="x", status=302)
    client = logged_in(root)

    assert client.get("/admin/console/staffaction/").status_code == 200
    assert client.post(f"/admin/console/staffaction/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/console/staffaction/add/").status_code == 403
    assert StaffAction.objects.filter(pk=row.pk).exists()


ADMIN_MODELS = sorted(f"{model._meta.app_label}/{model._meta.model_name}" for model in admin.site._registry)


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_every_admin_page_needs_login_and_a_permission(client, db, model):
    url = f"/admin/{model}/"

    anonymous = client.get(url)
    staff_without_permissions = logged_in(staff_user("nobody")).get(url)

    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/admin/login/?next={url}")
    assert staff_without_permissions.status_code == 403


def test_admin_changes_are_audited_by_django(db):
    """The admin's own log (LogEntry): who changed which object, what, and when."""
    root = staff_user("root", is_superuser=True)
    group = Group.objects.create(name="night shift")

    response = logged_in(root).post(f"/admin/auth/group/{group.pk}/change/", {"name": "night operators"})

    assert response.status_code == 302
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.object_repr, entry.action_flag) == (
        root, str(group.pk), "night operators", CHANGE)
    assert entry.get_change_message() == "Changed Name."
    assert Group.objects.get(pk=group.pk).name == "night operators"
