"""TMF638 service inventory API: reads for channels, writes for the back office, errors, isolation, contract."""
import pytest

from apps.service_inventory.models import Service
from apps.service_inventory.services import service_create
from bss.models import OutboxEvent
from bss.testing import assert_tmf_error, bearer, count_queries, patch_merge, post_json

from .conftest import BASE
from .contract import assert_matches_spec

SPEC = "TMF638-ServiceInventory-v4.0.0.swagger.json"
CTK_MINIMAL = {"state": "active", "serviceSpecification": {"id": "1212", "@referredType": "ServiceSpecification",
                                                            "href": "/service?id=1212", "name": "adfs",
                                                            "version": "1.0"}}


def demo_channel_token():
    from apps.parties.services import token_issue

    return token_issue(client_name="demo-channel").token


def test_a_channel_lists_its_services_with_pagination_headers(api, demo_services):
    response = api.get(f"{BASE}?limit=4", **bearer(demo_channel_token()))
    assert response.status_code == 200
    assert (response["X-Total-Count"], response["X-Result-Count"]) == ("6", "4")
    body = response.json()
    assert {s["state"] for s in body} == {"active"}
    assert_matches_spec(SPEC, "Service", body)


def test_other_channels_see_nothing_of_it(api, demo_services, channel_b):
    _, token = channel_b
    assert api.get(BASE, **bearer(token)).json() == []
    assert_tmf_error(api.get(f"{BASE}/{demo_services[0].pk}", **bearer(token)), 404, "NOT_FOUND")


def test_retrieve_renders_configuration_resources_parties_and_the_operating_status(api, demo_services):
    fibre = next(s for s in demo_services if s.family == "fibre_access")
    body = api.get(f"{BASE}/{fibre.pk}", **bearer(demo_channel_token())).json()
    assert body["id"] == str(fibre.pk)
    assert body["href"] == f"http://testserver{BASE}/{fibre.pk}"
    assert body["@type"] == "Service"
    assert (body["state"], body["operatingStatus"]) == ("active", "ok")
    assert {"name": "access_port", "value": "olt1/1/7"} in body["serviceCharacteristic"]
    assert body["supportingResource"] == [{"id": "olt1/1/7", "name": "AccessPort", "@referredType": "AccessPort"}]
    assert body["serviceSpecification"]["id"] == "demo-fibre_access"
    assert body["serviceSpecification"]["version"] == "1.0"
    assert body["relatedParty"][0]["role"] == "customer"
    assert isinstance(body["serviceDate"], str)
    assert_matches_spec(SPEC, "Service", body)


def test_fields_projection_and_filters(api, demo_services):
    token = demo_channel_token()
    body = api.get(f"{BASE}?fields=state&family=voip", **bearer(token)).json()
    assert len(body) == 1
    assert set(body[0]) == {"id", "href", "@type", "state"}
    assert api.get(f"{BASE}?state=terminated", **bearer(token)).json() == []
    assert_tmf_error(api.get(f"{BASE}?serviceDate.gt=yesterday", **bearer(token)), 400, "INVALID_REQUEST")


def test_unknown_and_malformed_ids_answer_404(api, demo_services):
    token = demo_channel_token()
    assert_tmf_error(api.get(f"{BASE}/141cf386-5831-41a9-84a0-648020b34b03", **bearer(token)), 404)
    assert_tmf_error(api.get(f"{BASE}/not-a-uuid", **bearer(token)), 404)


def test_the_back_office_creates_with_the_ctk_minimal_payload(api, backoffice):
    _, token = backoffice
    response = post_json(api, BASE, CTK_MINIMAL, token)
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == body["href"]
    assert (body["state"], body["serviceSpecification"]["id"]) == ("active", "1212")
    assert body["hasStarted"] is True
    assert_matches_spec(SPEC, "Service", body)
    assert OutboxEvent.objects.get(event_type="ServiceCreateEvent").payload["service_id"] == body["id"]


@pytest.mark.parametrize("payload, reference", [
    ({"serviceSpecification": {"id": "x"}}, "state"),
    ({"state": "running", "serviceSpecification": {"id": "x"}}, "state"),
    ({"state": "active"}, "serviceSpecification"),
    ({**CTK_MINIMAL, "serviceCharacteristic": [{"name": "a", "value": 1}, {"name": "a", "value": 2}]},
     "serviceCharacteristic"),
    ({**CTK_MINIMAL, "state": "terminated"}, "state"),
    ({**CTK_MINIMAL, "operatingStatus": "broken"}, "operatingStatus"),
    ({**CTK_MINIMAL, "place": [{"id": "p1", "@referredType": {}}]}, "place"),  # the v5 fuzzer's find
    ({**CTK_MINIMAL, "place": [{"id": 7, "role": "site"}]}, "place"),
])
def test_invalid_creates_answer_400_and_store_nothing(api, backoffice, payload, reference):
    _, token = backoffice
    body = assert_tmf_error(post_json(api, BASE, payload, token), 400, "INVALID_REQUEST")
    assert body["referenceError"] == reference
    assert Service.objects.count() == 0


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_v5_place_reference_that_is_no_string_answers_400_and_changes_nothing(api, backoffice, method):
    _, token = backoffice
    v5 = BASE.replace("/v4/", "/v5/")
    body = {"@type": "Service", "place": [{"@type": "RelatedPlaceRefOrValue", "role": "site",
                                           "place": {"id": "p1", "@referredType": {}, "@type": "PlaceRef"}}]}
    if method == "post":
        response = post_json(api, v5, {**CTK_MINIMAL, "serviceSpecification": {
            **CTK_MINIMAL["serviceSpecification"], "@type": "ServiceSpecificationRef"}, **body}, token)
        assert Service.objects.count() == 0
    else:
        created = post_json(api, BASE, CTK_MINIMAL, token).json()
        response = patch_merge(api, f"{v5}/{created['id']}", body, token)
        assert Service.objects.get(pk=created["id"]).places == []
    error = assert_tmf_error(response, 400, "INVALID_REQUEST")
    assert (error["referenceError"], error["message"]) == ("place", "place: @referredType of a place must be strings")


def test_channels_may_not_write_the_inventory(api, channel_a):
    _, token = channel_a
    assert_tmf_error(post_json(api, BASE, CTK_MINIMAL, token), 403, "FORBIDDEN")
    assert Service.objects.count() == 0


def test_patch_moves_the_lifecycle_forward_only(api, backoffice):
    party, token = backoffice
    service = service_create(spec_id="s", state="active", owner_party_id=str(party.pk))
    url = f"{BASE}/{service.pk}"
    response = patch_merge(api, url, {"state": "terminated", "description": "ceased"}, token)
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["description"]) == ("terminated", "ceased")
    assert "endDate" in response.json()
    assert_tmf_error(patch_merge(api, url, {"state": "active", "name": "again"}, token), 409, "ILLEGAL_TRANSITION")
    stored = Service.objects.get(pk=service.pk)
    assert (stored.state, stored.name) == ("terminated", "")


def test_delete_refuses_a_live_service_and_removes_an_ended_one(api, backoffice):
    party, token = backoffice
    live = service_create(spec_id="s", state="active", owner_party_id=str(party.pk))
    ended = service_create(spec_id="s", state="designed", owner_party_id=str(party.pk))
    assert_tmf_error(api.delete(f"{BASE}/{live.pk}", **bearer(token)), 409)
    assert api.delete(f"{BASE}/{ended.pk}", **bearer(token)).status_code == 204
    assert list(Service.objects.values_list("pk", flat=True)) == [live.pk]


def test_hub_subscribe_and_unsubscribe(api, channel_a):
    _, token = channel_a
    response = post_json(api, "/tmf-api/serviceInventory/v4/hub",
                         {"callback": "http://listener.example/cb", "query": "eventType=ServiceStateChangeEvent"},
                         token)
    assert response.status_code == 201
    assert api.delete(f"/tmf-api/serviceInventory/v4/hub/{response.json()['id']}",
                      **bearer(token)).status_code == 204


def test_unauthenticated_calls_answer_401(api):
    assert_tmf_error(api.get(BASE), 401, "UNAUTHORIZED")


def test_service_events_render_for_hub_listeners(db):
    from apps.service_inventory.api.urls import _render_service

    service = service_create(spec_id="s", state="reserved", characteristics={"vlan": 7})
    rendered = _render_service(str(service.pk))
    assert (rendered["state"], rendered["serviceCharacteristic"]) == ("reserved", [{"name": "vlan", "value": 7}])


def test_listing_services_costs_the_same_queries_for_1_or_6_services(api, backoffice):
    party, token = backoffice
    service_create(spec_id="s", state="active", owner_party_id=str(party.pk))
    _, one = count_queries(lambda: api.get(BASE, **bearer(token)))
    for _ in range(5):
        service_create(spec_id="s", state="active", owner_party_id=str(party.pk))
    response, six = count_queries(lambda: api.get(BASE, **bearer(token)))
    assert len(response.json()) == 6
    assert six == one <= 6
