import pytest
from django.contrib.auth.models import Group
from django.test import Client


def staff_user(username: str, group: str | None):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def operator_client(db):
    client = Client()
    client.force_login(staff_user("olga", "operator"))
    return client


@pytest.fixture
def viewer_client(db):
    """Staff without an acting role (a catalog manager): may look, may not act."""
    client = Client()
    client.force_login(staff_user("carl", "catalog manager"))
    return client
