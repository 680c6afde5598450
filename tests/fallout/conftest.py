import pytest

from tests.catalog_fixtures import demo_catalog  # noqa: F401 (fixture)


@pytest.fixture
def placed_product_order(demo_catalog):  # noqa: F811
    """A VoIP line ordered through TMF622 by the demo channel, acknowledged (nothing processed it yet)."""
    from .scenarios import product_order_post

    return product_order_post(demo_catalog, "VoIP Line", {"codec": "G.722"})
