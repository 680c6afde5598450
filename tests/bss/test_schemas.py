"""The committed per-API OpenAPI schemas match the code (regenerate with `make schemas`)."""
import json
from pathlib import Path

import pytest
from django.conf import settings
from openapi_spec_validator import validate

from bss.api.catalogue import mounted_apis, schema_for

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi"


def served():
    return list(mounted_apis())


@pytest.mark.parametrize("code", served())
def test_committed_schema_is_current(code):
    path = COMMITTED / f"{code}.json"
    assert path.exists(), f"{path} missing: run `make schemas`"
    generated = json.loads(json.dumps(schema_for(code), sort_keys=True))
    assert json.loads(path.read_text()) == generated, f"{path} is stale: run `make schemas`"


@pytest.mark.parametrize("code", served())
def test_schema_is_valid_openapi(code):
    validate(schema_for(code))


def test_no_orphan_committed_schema():
    committed = {p.stem for p in COMMITTED.glob("*.json")} if COMMITTED.exists() else set()
    assert committed <= set(served())
