"""The TMF API kit on a test API (tmf999) whose only resource is /hub."""
import json

import pytest

from bss.models import HubSubscription, IdempotencyRecord
from apps.parties.testing import make_channel
from bss.testing import assert_tmf_error, bearer, post_json

pytestmark = pytest.mark.urls("tests.bss.kit_urls")
HUB = "/tmf-api/kitTest/v1/hub"


@pytest.fixture
def reader(db):
    return make_channel("kit-reader", scopes=["tmf999.read"])


@pytest.fixture
def outsider(db):
    return make_channel("kit-outsider", scopes=["tmf620.read"])


def test_unauthenticated_request_is_401_tmf_error(api):
    body = assert_tmf_error(api.get(HUB), 401, "UNAUTHORIZED")
    assert body["message"] == "Authentication credentials were not provided."


def test_invalid_token_is_401(api, db):
    assert_tmf_error(api.get(HUB, **bearer("not-a-token")), 401, "UNAUTHORIZED")


def test_token_without_the_api_scope_is_403_and_creates_nothing(api, outsider):
    _, token = outsider
    assert_tmf_error(post_json(api, HUB, {"callback": "http://127.0.0.1:9/cb"}, token), 403, "FORBIDDEN")
    assert HubSubscription.objects.count() == 0


def test_hub_create_is_201_with_location_of_the_subscription(api, reader):
    party, token = reader
    response = post_json(api, HUB, {"callback": "http://127.0.0.1:9/cb", "query": "eventType=X"}, token)
    assert response.status_code == 201
    body = response.json()
    sub = HubSubscription.objects.get()
    assert body == {"id": str(sub.pk), "callback": "http://127.0.0.1:9/cb", "query": "eventType=X"}
    assert response["Location"] == f"http://testserver{HUB}/{sub.pk}"
    assert (sub.api, sub.owner_party_id) == ("tmf999", str(party.pk))


def test_hub_delete_is_204_and_removes_it(api, reader):
    _, token = reader
    created = post_json(api, HUB, {"callback": "http://127.0.0.1:9/cb"}, token).json()
    response = api.delete(f"{HUB}/{created['id']}", **bearer(token))
    assert response.status_code == 204
    assert HubSubscription.objects.count() == 0


@pytest.mark.parametrize("payload, reference", [
    ({"callback": "ftp://x/y"}, "callback"),
    ({"callback": 12}, "callback"),
    ({}, "callback"),
    ({"callback": "http://x", "query": {"a": 1}}, "query"),
])
def test_hub_refuses_bad_input_with_400_and_stores_nothing(api, reader, payload, reference):
    _, token = reader
    body = assert_tmf_error(post_json(api, HUB, payload, token), 400)
    assert body["referenceError"] == reference
    assert HubSubscription.objects.count() == 0


def test_malformed_json_is_400(api, reader):
    _, token = reader
    response = api.post(HUB, data="{not json", content_type="application/json", **bearer(token))
    assert_tmf_error(response, 400, "MALFORMED_REQUEST")
    assert HubSubscription.objects.count() == 0


def test_json_array_body_is_400(api, reader):
    _, token = reader
    assert_tmf_error(api.post(HUB, data="[1,2]", content_type="application/json", **bearer(token)), 400)


def test_wrong_media_type_is_415(api, reader):
    _, token = reader
    response = api.post(HUB, data="callback=http://x", content_type="text/plain", **bearer(token))
    assert_tmf_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert HubSubscription.objects.count() == 0


def test_merge_patch_media_type_is_refused_on_post(api, reader):
    _, token = reader
    response = api.post(HUB, data=json.dumps({"callback": "http://x"}), content_type="application/merge-patch+json",
                        **bearer(token))
    assert_tmf_error(response, 415)


def test_too_large_body_is_413(api, reader, settings):
    _, token = reader
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post_json(api, HUB, {"callback": "http://x/" + "a" * 200}, token)
    assert_tmf_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert HubSubscription.objects.count() == 0


def test_unknown_and_malformed_ids_are_404(api, reader):
    _, token = reader
    assert_tmf_error(api.get(f"{HUB}/00000000-0000-0000-0000-000000000000", **bearer(token)), 404, "NOT_FOUND")
    assert_tmf_error(api.get(f"{HUB}/not-a-uuid", **bearer(token)), 404, "NOT_FOUND")
    assert_tmf_error(api.delete(f"{HUB}/not-a-uuid", **bearer(token)), 404, "NOT_FOUND")


def test_put_is_405(api, reader):
    _, token = reader
    created = post_json(api, HUB, {"callback": "http://127.0.0.1:9/cb"}, token).json()
    response = api.put(f"{HUB}/{created['id']}", data="{}", content_type="application/json", **bearer(token))
    assert_tmf_error(response, 405, "METHOD_NOT_ALLOWED")


def test_list_has_total_and_result_count_headers_and_offset_limit(api, reader):
    _, token = reader
    for n in range(5):
        post_json(api, HUB, {"callback": f"http://127.0.0.1:9/cb{n}"}, token)
    response = api.get(f"{HUB}?offset=1&limit=2", **bearer(token))
    assert response.status_code == 200
    assert (response["X-Total-Count"], response["X-Result-Count"]) == ("5", "2")
    assert len(response.json()) == 2


@pytest.mark.parametrize("query", ["offset=-1", "limit=abc", "offset=1.5"])
def test_bad_paging_parameters_are_400(api, reader, query):
    _, token = reader
    assert_tmf_error(api.get(f"{HUB}?{query}", **bearer(token)), 400, "INVALID_REQUEST")


def test_fields_projection_keeps_only_asked_attributes_and_id(api, reader):
    _, token = reader
    created = post_json(api, HUB, {"callback": "http://127.0.0.1:9/cb", "query": "q"}, token).json()
    response = api.get(f"{HUB}?fields=query", **bearer(token))
    assert response.json() == [{"id": created["id"], "query": "q"}]


def test_channel_sees_only_its_own_subscriptions(api, reader, db):
    _, token = reader
    _, other_token = make_channel("kit-other", scopes=["tmf999.read"])
    mine = post_json(api, HUB, {"callback": "http://127.0.0.1:9/mine"}, token).json()
    assert_tmf_error(api.get(f"{HUB}/{mine['id']}", **bearer(other_token)), 404)
    assert_tmf_error(api.delete(f"{HUB}/{mine['id']}", **bearer(other_token)), 404)
    assert api.get(HUB, **bearer(other_token)).json() == []
    assert HubSubscription.objects.count() == 1


def test_idempotency_key_replays_the_first_response(api, reader):
    _, token = reader
    first = post_json(api, HUB, {"callback": "http://127.0.0.1:9/cb"}, token, HTTP_IDEMPOTENCY_KEY="k1")
    again = post_json(api, HUB, {"callback": "http://127.0.0.1:9/cb"}, token, HTTP_IDEMPOTENCY_KEY="k1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert HubSubscription.objects.count() == 1


def test_idempotency_key_reused_with_another_body_is_409(api, reader):
    _, token = reader
    post_json(api, HUB, {"callback": "http://127.0.0.1:9/a"}, token, HTTP_IDEMPOTENCY_KEY="k2")
    response = post_json(api, HUB, {"callback": "http://127.0.0.1:9/b"}, token, HTTP_IDEMPOTENCY_KEY="k2")
    assert_tmf_error(response, 409, "CONFLICT")
    assert HubSubscription.objects.count() == 1


def test_refused_request_does_not_burn_the_idempotency_key(api, reader):
    _, token = reader
    assert_tmf_error(post_json(api, HUB, {"callback": "ftp://x"}, token, HTTP_IDEMPOTENCY_KEY="k3"), 400)
    assert IdempotencyRecord.objects.count() == 0
    assert post_json(api, HUB, {"callback": "http://127.0.0.1:9/ok"}, token, HTTP_IDEMPOTENCY_KEY="k3").status_code == 201


def test_throttle_answers_429_with_retry_after(api, reader, monkeypatch):
    from django.core.cache import cache

    from bss.api.throttling import ClientRateThrottle

    cache.clear()
    _, token = reader
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "2/min"})
    try:
        codes = [api.get(HUB, **bearer(token)).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        response = api.get(HUB, **bearer(token))
        assert_tmf_error(response, 429, "TOO_MANY_REQUESTS")
        assert int(response["Retry-After"]) >= 1
    finally:
        cache.clear()


def test_schema_and_docs_are_served_per_api(api, reader):
    _, token = reader
    schema = api.get("/tmf-api/kitTest/v1/openapi.json", **bearer(token))
    assert schema.status_code == 200
    assert set(schema.json()["paths"]) == {"/tmf-api/kitTest/v1/hub", "/tmf-api/kitTest/v1/hub/{id}"}


@pytest.mark.parametrize("callback", ["https://Ó/cb", "http://÷~d", "http://", "http:///path", "http://x y/",
                                      "http://x/a%zz", "http://x/a{b}", "http://[::1/cb", "http://x/#a#b"])
def test_hub_refuses_a_callback_that_is_no_uri_and_stores_nothing(api, reader, callback):
    """Stored, it would be rendered as a callback that breaks the schema's `uri` (found by schemathesis)."""
    _, token = reader
    body = assert_tmf_error(post_json(api, HUB, {"callback": callback}, token), 400, "INVALID_REQUEST")
    assert (body["referenceError"], body["message"]) == ("callback", "callback: callback must be an http(s) URL")
    assert HubSubscription.objects.count() == 0


@pytest.mark.parametrize("callback", ["http://x", "HTTPS://listener.example:8443/a/b?c=d&e=%20#top",
                                      "http://user:pw@127.0.0.1:9/cb", "http://[::1]:9/cb"])
def test_hub_takes_any_http_uri_and_renders_no_null_query(api, reader, callback):
    _, token = reader
    response = post_json(api, HUB, {"callback": callback}, token)
    assert response.status_code == 201, response.content
    created = HubSubscription.objects.get()
    assert response.json() == {"id": str(created.pk), "callback": callback}  # no "query": null (the spec: a string)
    assert api.get(f"{HUB}/{created.pk}", **bearer(token)).json() == response.json()
