import pytest

from apps.parties.testing import make_channel

BASE = "/tmf-api/serviceInventory/v4/service"


@pytest.fixture
def backoffice(db):
    """A back-office client that may write TMF638 and TMF641: (party, token)."""
    return make_channel("backoffice", scopes=["tmf638.read", "tmf638.write", "tmf641.read", "tmf641.write"])


@pytest.fixture
def demo_services(db):
    from apps.parties import demo as parties_demo
    from apps.service_inventory import demo

    parties_demo.seed()
    demo.seed()
    from apps.service_inventory.models import Service

    return list(Service.objects.all())
