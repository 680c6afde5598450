"""An operator in a real browser, on a real TMF622 order: the demo channel orders a VoIP line while the softswitch
refuses every call, so COM holds the order (TMF622 `held`); the operator logs in, finds the failed activation in the
worklist, clears the simulator fault, re-drives, and follows the order to `completed` on its timeline. Screenshots of real data go to docs/screenshots/."""
import os
from pathlib import Path

import pytest
from django.conf import settings

from apps.fallout.models import FalloutCase
from apps.reconciliation.models import DriftRecord
from tests.catalog_fixtures import demo_catalog  # noqa: F401 (fixture)
from tests.fallout.scenarios import product_order_post, service_order_state

from .conftest import staff_user

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.flows,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is absent (apt-get install chromium)")]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"])
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.set_default_timeout(15000)
        yield page
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def product_order_state(order_id) -> str | None:
    from apps.product_ordering.selectors import product_order_get

    order = product_order_get(order_id=order_id)
    return order.state if order else None


def test_operator_redrives_a_failed_product_order_from_the_worklist(celery_worker, live_server, browser_page,
                                                                     eventually, demo_catalog):  # noqa: F811
    from apps.network.services import network_sim_fail

    page = browser_page
    user = staff_user("olga", "operator")
    user.set_password("olga-pass")
    user.save()
    network_sim_fail(platform="voip_softswitch", rate=1.0, mode="reject")
    order_id = product_order_post(demo_catalog, "VoIP Line", {"codec": "G.722"})
    eventually(lambda: product_order_state(order_id) == "held", timeout=60, message="product order was not held")
    case = eventually(lambda: FalloutCase.objects.filter(product_order_id=order_id).first(), timeout=15)
    assert (case.source, case.kind, case.state) == ("activation", "stepFailed", "open")

    # Anonymous → login → the dashboard, which counts the order by its state.
    page.goto(f"{live_server.url}/console/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", "olga")
    page.fill("#id_password", "olga-pass")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/")
    assert page.inner_text("h1") == "Dashboard"
    assert page.inner_text("#orders-by-state .bars").split() == ["held", "1"]

    # The worklist shows the open case; the operator opens it.
    page.click("text=Fallout")
    row = page.locator(f"tr[data-case='{case.pk}']")
    assert "stepFailed" in row.inner_text() and "allocate_number on voip_softswitch" in row.inner_text()
    assert row.locator(f"a[href='/console/orders/{order_id}/']").count() == 1  # the held product order
    page.screenshot(path=str(SHOTS / "worklist.png"), full_page=True)
    row.locator("td").first.locator("a").click()
    assert page.inner_text("#case-state") == "open"
    assert page.locator("#order-ended").count() == 0  # COM waits for the operator: the order has not ended

    # Clear the simulator fault, then re-drive with a reason.
    page.click("text=Network")
    page.click("#reset")
    page.goto(f"{live_server.url}/console/fallout/{case.pk}/")
    page.fill("input[aria-label='reason for redrive']", "softswitch answers again")
    page.click("button[value=redrive]")
    assert page.inner_text("#case-state") == "inProgress"
    assert "softswitch answers again" in page.inner_text("#history")

    eventually(lambda: service_order_state(case.service_order_id) == "completed", timeout=30,
               message="service order did not complete after the re-drive")
    eventually(lambda: FalloutCase.objects.filter(pk=case.pk, state="resolved").exists(), timeout=15)
    eventually(lambda: product_order_state(order_id) == "completed", timeout=30,
               message="product order did not complete after the re-drive")
    page.goto(f"{live_server.url}/console/fallout/{case.pk}/")
    assert page.inner_text("#case-state") == "resolved"

    # The product order's timeline: COM's and activation's transitions and events, the operator's among them.
    page.goto(f"{live_server.url}/console/orders/{order_id}/")
    timeline = page.inner_text("#timeline")
    assert "redrive: failed → inProgress\tolga\tsoftswitch answers again" in timeline
    assert "complete: inProgress → completed" in timeline and "FalloutCaseCreateEvent" in timeline
    assert "hold: inProgress → held" in timeline and "resume: held → inProgress" in timeline
    assert page.locator(f"a[href='/console/service-orders/{case.service_order_id}/']").count() == 1
    # COM held the order while the line was in fallout and completed it on the re-driven outcome.
    assert page.inner_text("#order-state") == "completed"
    page.screenshot(path=str(SHOTS / "timeline.png"), full_page=True)

    # The network changes behind our back: a config change (reconciliation repairs it), then a degradation
    # (retried, then escalated). The service view shows both sides; the dashboard counts what is open.
    service_id = eventually(lambda: _service_of(case.service_order_id), timeout=5)
    for kind, settled in (("config", "repaired"), ("degraded", "escalated")):
        page.click("text=Network")
        page.fill("input[aria-label='service id']", service_id)
        page.select_option("select[aria-label='kind']", kind)
        page.click("text=Inject drift")
        eventually(lambda: DriftRecord.objects.filter(service_id=service_id, kind=kind, state=settled).exists(),
                   timeout=15, message=f"{kind} drift not {settled}")
    page.goto(f"{live_server.url}/console/drift/")
    assert "degraded" in page.inner_text("#drift")
    page.goto(f"{live_server.url}/console/services/{service_id}/")
    assert page.inner_text("#side-by-side")
    page.screenshot(path=str(SHOTS / "service.png"), full_page=True)
    page.goto(f"{live_server.url}/console/")
    assert page.inner_text("#orders-by-state .bars").split() == ["completed", "1"]
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)


def _service_of(service_order_id):
    from apps.service_ordering.selectors import service_order_get

    return service_order_get(service_order_id=service_order_id).items.get().service_id or None
