import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.fixture(scope="package")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, seeded once for all contract tests (each test's own writes roll back)."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():  # committed outside any test transaction: leave nothing behind
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def staff_api(api, demo_data, db):
    api.force_login(get_user_model().objects.get(username="admin"))
    return api
