"""Validating against the official v5 specs (OpenAPI 3.0.1, YAML), found in TMF_SPECS_DIR like the v4 ones.

openapi-schema-validator's OAS30Validator follows a discriminator placed on an `allOf` back into the schema that
holds it (TMF v5 puts one on every entity: ProductOrder → allOf [Entity, …] + discriminator → ProductOrder) and
recurses forever. Here a discriminator on allOf checks that @type is one the schema maps (polymorphism: an
unknown @type is an error) and validates the allOf as usual; on oneOf/anyOf it picks the mapped branch."""
from functools import lru_cache

import jsonschema
import pytest
import yaml
from jsonschema._keywords import allOf as plain_all_of
from openapi_schema_validator import OAS30Validator
from openapi_schema_validator._keywords import handle_discriminator

from bss.testing import TMF_SPECS_DIR


def _all_of(validator, all_of, instance, schema):
    discriminator = schema.get("discriminator")
    if discriminator and isinstance(instance, dict):
        value = instance.get(discriminator["propertyName"])
        mapping = discriminator.get("mapping") or {}
        if not value:
            yield jsonschema.ValidationError(f"{discriminator['propertyName']} is required")
        elif mapping and value not in mapping:
            yield jsonschema.ValidationError(f"{discriminator['propertyName']} {value!r} is not one of "
                                             f"{sorted(mapping)}")
    yield from plain_all_of(validator, all_of, instance, schema)


def _one_of(validator, one_of, instance, schema):
    if "discriminator" in schema:
        yield from handle_discriminator(validator, one_of, instance, schema)
    else:
        yield from jsonschema._keywords.oneOf(validator, one_of, instance, schema)


Validator = jsonschema.validators.extend(OAS30Validator, {"allOf": _all_of, "oneOf": _one_of, "anyOf": _one_of})


@lru_cache(maxsize=None)
def load_v5_spec(filename: str) -> dict | None:
    path = TMF_SPECS_DIR / filename
    return yaml.safe_load(path.read_text()) if path.exists() else None


def v5_schema_errors(spec_file: str, schema_name: str, instance) -> list[str]:
    """Where `instance` breaks the official v5 spec's schema (formats checked); skips the calling test when the
    specs are not on this machine."""
    spec = load_v5_spec(spec_file)
    if spec is None:
        pytest.skip(f"official TMF spec {spec_file} not found in {TMF_SPECS_DIR} (set TMF_SPECS_DIR)")
    if schema_name not in spec["components"]["schemas"]:
        pytest.fail(f"{schema_name} is not a schema of {spec_file}")
    validator = Validator({"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]},
                          format_checker=OAS30Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}"
            for error in validator.iter_errors(instance)]
