"""The `demo_catalog` fixture (the seeded demo catalogs), for every app's tests: tests/conftest.py loads this
module with `pytest_plugins = ["tests.catalog_fixtures"]`."""
from dataclasses import dataclass

import pytest


@dataclass
class DemoCatalog:
    offerings: dict        # offering name → ProductOffering, e.g. "Home Broadband 500 Mbps"
    product_specs: dict    # product spec name → ProductSpecification
    service_specs: dict    # service spec name → ServiceSpecification, e.g. "Fibre Access", "Fibre Access RFS"

    def offering(self, name):
        return self.offerings[name]

    def service_spec_of_family(self, family: str):
        """The customer-facing service spec of a family (fibre_access, ip_address, managed_cpe, iptv, voip, mobile)."""
        return next(spec for spec in self.service_specs.values() if spec.family == family and spec.is_cfs)


@pytest.fixture
def demo_catalog(db):
    """Demo parties (groups, admin, demo-channel) and the demo product and service catalogs, all active."""
    from apps.parties import demo as parties_demo
    from apps.product_catalog import demo as product_demo
    from apps.product_catalog.selectors import product_offering_by_name, product_specification_by_name
    from apps.service_catalog import demo as service_demo
    from apps.service_catalog.selectors import service_specification_by_name

    parties_demo.seed()
    product_demo.seed()
    names = list(product_demo.OFFERINGS) + list(product_demo.BUNDLES)
    return DemoCatalog(
        offerings={name: product_offering_by_name(name=name) for name in names},
        product_specs={name: product_specification_by_name(name=name) for name in product_demo.PRODUCT_SPECS},
        service_specs={name: service_specification_by_name(name=name) for name in service_demo.SPECS},
    )


def tmf_schema_errors(spec_file: str, definition: str, instance) -> list[str]:
    """Where `instance` breaks the official spec's definition (jsonschema, formats checked like tmf-contract).
    Skips the calling test when the specs are not on this machine."""
    import jsonschema

    from bss.testing import TMF_SPECS_DIR, load_spec

    spec = load_spec(spec_file)
    if spec is None:
        pytest.skip(f"official TMF spec {spec_file} not found in {TMF_SPECS_DIR} (set TMF_SPECS_DIR)")
    schema = {"$ref": f"#/definitions/{definition}", "definitions": spec["definitions"]}
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(instance)]
