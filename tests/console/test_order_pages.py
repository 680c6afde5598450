"""The order timeline of a real TMF622 order (no worker: the order is acknowledged, its story starts)."""
import json

import pytest

from tests.catalog_fixtures import demo_catalog  # noqa: F401 (fixture)

ORDERING = "/tmf-api/productOrderingManagement/v4/productOrder"


@pytest.fixture
def placed_order(demo_catalog, api):  # noqa: F811
    from apps.parties.models import BillingAccount, Party
    from apps.parties.services import token_issue
    from apps.product_ordering import demo as ordering_demo

    ordering_demo.seed()
    customer = Party.objects.get(name="Jane Doe")
    body = {"relatedParty": [{"id": str(customer.pk), "role": "customer", "@referredType": "Individual"}],
            "billingAccount": {"id": str(BillingAccount.objects.get(party=customer).pk)},
            "productOrderItem": [{"id": "1", "action": "add",
                                  "productOffering": {"id": str(demo_catalog.offering("VoIP Line").pk)},
                                  "product": {"productCharacteristic": [{"name": "codec", "value": "G.722"}]}}]}
    response = api.post(ORDERING, data=json.dumps(body), content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token_issue(client_name='demo-channel').token}")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_product_order_page_shows_the_order_and_its_timeline(operator_client, placed_order):
    response = operator_client.get(f"/console/orders/{placed_order}/")

    assert response.status_code == 200
    assert response.context["order"].state == "acknowledged"
    assert [item.item_id for item in response.context["items"]] == ["1"]
    assert [entry["what"] for entry in response.context["entries"]] == ["ProductOrderCreateEvent"]


def test_lookup_finds_a_product_order(operator_client, placed_order):
    assert operator_client.get(f"/console/lookup?id={placed_order}")["Location"] == f"/console/orders/{placed_order}/"


def test_dashboard_counts_orders_by_state(operator_client, placed_order):
    rows = operator_client.get("/console/").context["orders_by_state"]

    assert rows == [{"label": "acknowledged", "value": 1, "percent": 100}]


def test_unknown_product_order_is_404(operator_client):
    assert operator_client.get("/console/orders/00000000-0000-0000-0000-000000000000/").status_code == 404
