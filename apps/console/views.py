"""Console pages. Each view parses the request, calls selectors or one service, and renders."""
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from apps.fallout import selectors as fallout_selectors
from apps.fallout import services as fallout_services
from apps.fallout.choices import FalloutAction, FalloutSource, FalloutState
from apps.fallout.filtersets import FalloutCaseFilterSet
from apps.fallout.owners import ACTIONS_BY_SOURCE
from apps.network import selectors as network_selectors
from apps.network import services as network_services
from apps.network.choices import DriftKind, FailureMode, Platform
from apps.reconciliation import selectors as reconciliation_selectors
from apps.reconciliation.choices import DriftState
from apps.reconciliation.filtersets import DriftRecordFilterSet
from bss.errors import DomainError, ValidationFailed

from . import selectors
from .access import actor_of, operator_action, simulator_controls, staff_view, user_can_act
from .charts import bars

PAGE_SIZE = 50


def refused(request, exc: DomainError):
    """A refused action: the domain's reason, with its HTTP status; nothing changed."""
    return render(request, "console/refused.html", {"status": exc.status, "code": exc.code, "message": exc.message},
                  status=exc.status)


def perform(request, action, then: str):
    """Run one service call for an operator's POST; redirect on success, show the refusal otherwise."""
    try:
        action()
    except DomainError as exc:
        return refused(request, exc)
    return redirect(then)


def filtered_page(request, filterset_class, queryset, template: str, extra: dict):
    """A list page filtered by the app's FilterSet (the same one an API would use); 400 on a bad filter."""
    filterset = filterset_class(request.GET or None, queryset=queryset)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": request.GET, "query": query.urlencode(), **extra}
    if filterset.is_bound and not filterset.is_valid():
        return render(request, template, {**context, "errors": filterset.errors, "page": None}, status=400)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {**context, "page": page})


# --- dashboard ---------------------------------------------------------------------------------------------

@staff_view
def dashboard(request):
    backlog = selectors.outbox_backlog()
    return render(request, "console/dashboard.html", {
        "orders_by_state": bars(selectors.orders_by_state()),
        "activation_percentiles": selectors.activation_duration_percentiles(),
        "fallout_by_age": bars(fallout_selectors.fallout_open_by_age()),
        "drift_by_kind": bars(selectors.drift_by_kind()),
        "backlog": backlog,
        "backlog_bars": bars([("handler deliveries", backlog["handler_deliveries_pending"]),
                              ("notifications", backlog["notifications_pending"]),
                              ("dead letters", backlog["dead_letters"])]),
    })


# --- fallout -----------------------------------------------------------------------------------------------

@staff_view
def fallout_worklist(request):
    return filtered_page(request, FalloutCaseFilterSet, fallout_selectors.fallout_case_list(),
                         "console/fallout_list.html",
                         {"states": FalloutState.choices, "sources": FalloutSource.choices,
                          "created_before": request.GET.get("createdAt.lt", "")})


@staff_view
def fallout_case(request, case_id):
    case = fallout_selectors.fallout_case_get(case_id=case_id)
    if case is None:
        raise Http404("no such fallout case")
    available = {transition.name for transition in case.get_available_state_transitions()}
    return render(request, "console/fallout_case.html", {
        "case": case, "history": fallout_selectors.fallout_case_history(case=case),
        "order_ended": selectors.product_order_ended(order_id=case.product_order_id) if case.is_active else "",
        "can_act": user_can_act(request.user), "available": available,
        "actions": [(value, label) for value, label in FalloutAction.choices
                    if value in available and value in ACTIONS_BY_SOURCE[case.source]]})


def _run_case_action(*, action: str, case_id, actor: str, reason: str, assignee: str):
    """The form's action → the one fallout service it names (unknown actions are refused by fallout_case_act)."""
    if action == "assign":
        return fallout_services.fallout_case_assign(case_id=case_id, assignee=assignee or actor, actor=actor,
                                                    reason=reason)
    if action == "start":
        return fallout_services.fallout_case_start(case_id=case_id, actor=actor, reason=reason)
    if action == "resolve":
        return fallout_services.fallout_case_resolve(case_id=case_id, actor=actor, reason=reason)
    if action == "cancel":
        return fallout_services.fallout_case_cancel(case_id=case_id, actor=actor, reason=reason)
    return fallout_services.fallout_case_act(case_id=case_id, action=action, actor=actor, reason=reason)


@operator_action
def fallout_case_action(request, case_id):
    post = request.POST
    return perform(request, lambda: _run_case_action(
        action=post.get("action", ""), case_id=case_id, actor=actor_of(request), reason=post.get("reason", ""),
        assignee=post.get("assignee", "").strip()), reverse("console:fallout-case", args=[case_id]))


@staff_view
def dead_deliveries(request):
    page = Paginator(selectors.dead_delivery_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console/deliveries.html", {"page": page, "can_act": user_can_act(request.user)})


@operator_action
def delivery_redrive(request, delivery_id):
    try:
        case = fallout_services.fallout_delivery_redrive(delivery_id=delivery_id, actor=actor_of(request),
                                                         reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return refused(request, exc)
    return redirect(reverse("console:fallout-case", args=[case.pk]))


# --- orders and services -----------------------------------------------------------------------------------

@staff_view
def product_order(request, order_id):
    story = selectors.product_order_story(order_id=order_id)
    if story is None:
        raise Http404("no such product order")
    return render(request, "console/product_order.html", story)


@staff_view
def service_order(request, service_order_id):
    story = selectors.service_order_story(service_order_id=service_order_id)
    if story is None:
        raise Http404("no such service order")
    return render(request, "console/service_order.html", story)


@staff_view
def service(request, service_id):
    facts = selectors.service_side_by_side(service_id=service_id)
    if facts is None:
        raise Http404("neither TMF638 nor the network knows this service")
    return render(request, "console/service.html", facts)


@staff_view
def timeline(request, resource_id):
    return render(request, "console/timeline.html", {
        "resource_id": resource_id, "entries": selectors.timeline(resource_ids={resource_id})})


@staff_view
def lookup(request):
    """The header's search box: any id we know → its page."""
    wanted = request.GET.get("id", "").strip()
    if not wanted:
        return redirect(reverse("console:dashboard"))
    page = selectors.page_for_id(wanted)
    if page is not None:
        return redirect(reverse(f"console:{page}", args=[wanted]))
    return redirect(reverse("console:timeline", args=[wanted]))


# --- reconciliation and the network simulator --------------------------------------------------------------

@staff_view
def drift_list(request):
    return filtered_page(request, DriftRecordFilterSet, reconciliation_selectors.drift_list(),
                         "console/drift_list.html", {"states": DriftState.choices, "kinds": DriftKind.choices})


@simulator_controls
@staff_view
def network(request):
    return render(request, "console/network.html", {
        "platforms": network_selectors.simulator_status(), "platform_choices": Platform.values,
        "modes": FailureMode.values, "kinds": DriftKind.values, "can_act": user_can_act(request.user)})


def _rate(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValidationFailed("rate must be a number between 0 and 1", reference_error="rate") from None


def _milliseconds(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("milliseconds must be a whole number", reference_error="milliseconds") from None


# Simulator control → the network service it calls, from the form's fields.
SIMULATOR_ACTIONS = {
    "fail": lambda post: network_services.network_sim_fail(platform=post.get("platform", ""),
                                                           rate=_rate(post.get("rate")), mode=post.get("mode", "")),
    "latency": lambda post: network_services.network_sim_latency(platform=post.get("platform", ""),
                                                                 milliseconds=_milliseconds(post.get("ms"))),
    "async": lambda post: network_services.network_sim_async(platform=post.get("platform", ""),
                                                             enabled=post.get("enabled") == "on"),
    "reset": lambda post: network_services.network_sim_reset(clear_state=post.get("clear_state") == "on"),
    "drift": lambda post: network_services.network_drift_inject(service_id=post.get("service_id", "").strip(),
                                                                kind=post.get("kind", ""),
                                                                platform=post.get("platform") or None),
}


@simulator_controls
@operator_action
def network_action(request, action):
    control = SIMULATOR_ACTIONS.get(action)
    if control is None:
        raise Http404("no such simulator control")
    return perform(request, lambda: control(request.POST), reverse("console:network"))
