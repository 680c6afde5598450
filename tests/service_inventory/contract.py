"""Validate real responses against the official TMF swagger definitions (skips when the specs are absent)."""
import jsonschema
import pytest

from bss.testing import TMF_SPECS_DIR, load_spec


def assert_matches_spec(spec_file: str, definition: str, body) -> None:
    spec = load_spec(spec_file)
    if spec is None:
        pytest.skip(f"TMF spec {spec_file} not found in {TMF_SPECS_DIR} (set TMF_SPECS_DIR)")
    schema = {"$ref": f"#/definitions/{definition}", "definitions": spec["definitions"]}
    for instance in body if isinstance(body, list) else [body]:
        jsonschema.Draft4Validator(schema).validate(instance)
