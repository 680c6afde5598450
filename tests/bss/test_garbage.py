"""Garbage sent to every TMF route answers a TMF error (or success), never a 500. Grows with every API."""
import json
import re

import pytest
from django.conf import settings

from bss.api.catalogue import mounted_apis
from apps.parties.testing import make_channel
from bss.testing import bearer

GARBAGE_BODIES = [
    ("{not json", "application/json"),
    ("[1, 2, 3]", "application/json"),
    ('"just a string"', "application/json"),
    ("null", "application/json"),
    (json.dumps({"@type": 5, "id": {"x": 1}, "name": ["a"], "state": 12.5, "href": None}), "application/json"),
    (json.dumps({"a": "\u0000\ud7ff", "validFor": {"startDateTime": "yesterday"}, "quantity": "many"}),
     "application/json"),
    ("<xml/>", "application/xml"),
    ("a=1&b=2", "application/x-www-form-urlencoded"),
]
GARBAGE_QUERIES = ["offset=-5", "limit=zz", "fields=%00", "id.gt=abc", "lastUpdate.gte=not-a-date", "state=,,,"]


def routes():
    """(api, path template, has_id) for every resource route of every served API."""
    found = []
    for code, info in mounted_apis().items():
        include = info["urlconf"].urlpatterns[0]
        base = info["base_path"]
        for pattern in include.url_patterns:
            regex = pattern.pattern.regex.pattern.lstrip("^").rstrip("$").rstrip("\\Z")
            if "openapi" in regex or "docs" in regex or "(?P<format>" in regex:
                continue
            has_id = "(?P<" in regex
            path = base + re.sub(r"\(\?P<\w+>[^)]*\)", "00000000-0000-0000-0000-00000000dead", regex)
            found.append((code, path.replace("\\.", "."), has_id))
    return sorted(set(found))


@pytest.fixture
def token(db):
    scopes = [f"{api}.{kind}" for api in settings.BSS_TMF_APIS for kind in ("read", "write")]
    return make_channel("garbage-channel", scopes=scopes)[1]


def assert_not_500_and_tmf_shaped(response, label):
    assert response.status_code < 500, (label, response.status_code, response.content[:300])
    if response.status_code >= 400:
        body = response.json()
        assert {"code", "reason", "message", "status"} <= set(body), (label, body)


@pytest.mark.parametrize("api_code, path, has_id", routes())
def test_garbage_never_500(api, token, api_code, path, has_id):
    for body, content_type in GARBAGE_BODIES:
        for method in ("post", "patch", "put"):
            response = getattr(api, method)(path, data=body, content_type=content_type, **bearer(token))
            assert_not_500_and_tmf_shaped(response, f"{method.upper()} {path} {body[:20]!r} {content_type}")
    for query in GARBAGE_QUERIES:
        response = api.get(f"{path}?{query}", **bearer(token))
        assert_not_500_and_tmf_shaped(response, f"GET {path}?{query}")
    response = api.delete(path, **bearer(token))
    assert_not_500_and_tmf_shaped(response, f"DELETE {path}")
    if has_id:
        assert api.get(path, **bearer(token)).status_code == 404
    assert api.get(path).status_code == 401


def test_nested_reference_without_its_id_is_400_even_in_a_merge_patch():
    from rest_framework import serializers

    from bss.api.refs import RefInputSerializer

    class Patch(serializers.Serializer):
        refs = RefInputSerializer(many=True, required=False)

    patch = Patch(data={"refs": [{"name": "x"}]}, partial=True)
    assert patch.is_valid() is False
    assert patch.errors == {"refs": {0: {"id": "This field is required."}}}
