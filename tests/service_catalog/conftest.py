# Until tests/conftest.py loads it for everyone (pytest_plugins), the catalog tests load it here.
from tests.catalog_fixtures import demo_catalog  # noqa: F401
