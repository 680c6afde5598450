"""An operator in a real browser: log in, find the failed order in the worklist, clear the simulator fault,
re-drive, see it complete. Screenshots of real data go to docs/screenshots/."""
import os
from pathlib import Path

import pytest
from django.conf import settings

from apps.fallout.models import FalloutCase
from apps.reconciliation.models import DriftRecord
from tests.fallout.scenarios import failing_iptv_order, service_order_state

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


def test_operator_redrives_a_failed_order_from_the_worklist(celery_worker, live_server, browser_page, eventually):
    page = browser_page
    user = staff_user("olga", "operator")
    user.set_password("olga-pass")
    user.save()
    order = failing_iptv_order("browser-iptv-1")
    eventually(lambda: service_order_state(order.pk) == "failed", timeout=30, message="order did not fail")
    case = eventually(lambda: FalloutCase.objects.filter(service_order_id=str(order.pk)).first(), timeout=10)

    # Anonymous → login → the dashboard.
    page.goto(f"{live_server.url}/console/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", "olga")
    page.fill("#id_password", "olga-pass")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/console/")
    assert page.inner_text("h1") == "Dashboard"

    # The worklist shows the open case; the operator opens it.
    page.click("text=Fallout")
    row = page.locator(f"tr[data-case='{case.pk}']")
    assert "stepFailed" in row.inner_text()
    page.screenshot(path=str(SHOTS / "worklist.png"), full_page=True)
    row.locator("a").click()
    assert page.inner_text("#case-state") == "open"

    # Clear the simulator fault, then re-drive with a reason.
    page.click("text=Network")
    page.click("#reset")
    page.goto(f"{live_server.url}/console/fallout/{case.pk}/")
    page.fill("input[aria-label='reason for redrive']", "IPTV platform answers again")
    page.click("button[value=redrive]")
    assert page.inner_text("#case-state") == "inProgress"
    assert "IPTV platform answers again" in page.inner_text("#history")

    completed = _wait(eventually, lambda: service_order_state(order.pk) == "completed")
    page.goto(f"{live_server.url}/console/service-orders/{order.pk}/")
    page.screenshot(path=str(SHOTS / "timeline.png"), full_page=True)
    assert completed, f"service order is {service_order_state(order.pk)} after the re-drive"
    assert "completed" in page.inner_text("h1")
    timeline = page.inner_text("#timeline")
    assert "redrive" in timeline and "olga" in timeline
    eventually(lambda: FalloutCase.objects.filter(pk=case.pk, state="resolved").exists(), timeout=10)
    page.goto(f"{live_server.url}/console/fallout/{case.pk}/")
    assert page.inner_text("#case-state") == "resolved"

    # The network changes behind our back: a config change (reconciliation repairs it), then a degradation
    # (retried, then escalated). The service view shows both sides; the dashboard counts what is open.
    service_id = eventually(lambda: _service_of(order.pk), timeout=5)
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
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)


def _service_of(service_order_id):
    from apps.service_ordering.selectors import service_order_get

    return service_order_get(service_order_id=service_order_id).items.get().service_id or None


def _wait(eventually, predicate, timeout=30):
    try:
        return eventually(predicate, timeout=timeout)
    except AssertionError:
        return False
