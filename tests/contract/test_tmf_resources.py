"""Every TMF resource served, with the demo data loaded: the kit's behaviour and the official schema.

Parametrised over whatever is mounted, so a new resource is covered the moment it is routed."""
import jsonschema
import pytest

from bss.api.catalogue import SPEC_FILES, mounted_resources
from bss.testing import count_queries, load_spec

RESOURCES = mounted_resources()


def spec_validator(api_code: str, resource: str):
    spec = load_spec(SPEC_FILES[api_code])
    if spec is None:
        pytest.skip(f"official spec {SPEC_FILES[api_code]} not found (set TMF_SPECS_DIR)")
    definition = resource[0].upper() + resource[1:]
    if definition not in spec.get("definitions", {}):
        pytest.skip(f"{definition} is not a definition of {SPEC_FILES[api_code]}")
    schema = {"$ref": f"#/definitions/{definition}", "definitions": spec["definitions"]}
    return jsonschema.Draft4Validator(schema)


@pytest.mark.parametrize("api_code, resource, path", RESOURCES)
def test_list_is_a_plain_array_with_count_headers(staff_api, api_code, resource, path):
    response = staff_api.get(path)
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    assert int(response["X-Result-Count"]) == len(body) <= int(response["X-Total-Count"])


@pytest.mark.parametrize("api_code, resource, path", RESOURCES)
def test_items_retrieve_by_href_and_project_fields(staff_api, api_code, resource, path):
    items = staff_api.get(f"{path}?limit=3").json()
    if not items:
        pytest.skip(f"no demo {resource} to read")
    for item in items:
        detail = staff_api.get(f"{path}/{item['id']}")
        assert detail.status_code == 200
        assert detail.json()["id"] == item["id"]
        assert item["href"].endswith(f"{path}/{item['id']}")
    projected = staff_api.get(f"{path}?fields=id&limit=3").json()
    assert [set(p) <= {"id", "href", "@type"} for p in projected] == [True] * len(projected)
    assert [p["id"] for p in projected] == [i["id"] for i in items]


@pytest.mark.parametrize("api_code, resource, path", RESOURCES)
def test_list_costs_the_same_queries_whatever_the_page_size(staff_api, api_code, resource, path):
    total = int(staff_api.get(path)["X-Total-Count"])
    if total < 2:
        pytest.skip(f"fewer than 2 demo {resource} items")
    _, one = count_queries(lambda: staff_api.get(f"{path}?limit=1"))
    _, many = count_queries(lambda: staff_api.get(f"{path}?limit={total}"))
    # Nested kinds are prefetched once per page, and only when the page holds one (e.g. bundle parts):
    # a page may cost a couple of queries more than a one-item page, never one more per item.
    assert many <= one + 2, (one, many)


@pytest.mark.parametrize("api_code, resource, path", RESOURCES)
def test_responses_validate_against_the_official_spec(staff_api, api_code, resource, path):
    validator = spec_validator(api_code, resource)
    items = staff_api.get(f"{path}?limit=20").json()
    if not items:
        pytest.skip(f"no demo {resource} to validate")
    errors = [f"{item['id']}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
              for item in items for e in validator.iter_errors(item)]
    assert errors == []
