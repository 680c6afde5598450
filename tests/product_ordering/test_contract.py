"""Real TMF622 responses validate against the official v4.0.0 schemas (skipped when the specs are absent)."""
from bss.testing import bearer
from tests.catalog_fixtures import tmf_schema_errors

from .conftest import ORDERING, post
from .helpers import outcome, place

SPEC = "TMF622-ProductOrdering-v4.0.0.swagger.json"
CTK_BODY = {"productOrderItem": [{"id": "123", "action": "add"}],
            "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}]}


def test_minimal_and_rejected_orders_match_the_spec(api, channel_a):
    _, token = channel_a
    created = post(api, ORDERING + "productOrder", CTK_BODY, token).json()
    assert tmf_schema_errors(SPEC, "ProductOrder", created) == []
    listed = api.get(ORDERING + "productOrder", **bearer(token)).json()
    assert [tmf_schema_errors(SPEC, "ProductOrder", order) for order in listed] == [[]]


def test_a_full_order_its_cancellation_and_events_match_the_spec(api, com):
    order = place(com, external_id="contract-1")
    order = outcome(order, com.catalog.service_specs["Fibre Access"], "completed")
    body = api.get(f"{ORDERING}productOrder/{order.pk}", **bearer(com.token)).json()
    assert tmf_schema_errors(SPEC, "ProductOrder", body) == []
    cancel = post(api, ORDERING + "cancelProductOrder", {"productOrder": {"id": str(order.pk)},
                                                         "cancellationReason": "moved",
                                                         "requestedCancellationDate": "2030-01-01T00:00:00Z"},
                  com.token).json()
    assert tmf_schema_errors(SPEC, "CancelProductOrder", cancel) == []
    cancelled = api.get(f"{ORDERING}productOrder/{order.pk}", **bearer(com.token)).json()
    assert cancelled["state"] == "assessingCancellation"
    assert tmf_schema_errors(SPEC, "ProductOrder", cancelled) == []


def test_errors_have_the_tmf_error_shape(api, channel_a):
    _, token = channel_a
    error = post(api, ORDERING + "productOrder", {"productOrderItem": []}, token).json()
    assert tmf_schema_errors(SPEC, "Error", error) == []
