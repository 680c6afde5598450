"""While the database is down or restarting, every answer is a TMF 503 with Retry-After, never a 500."""
import psycopg
import pytest
from django.db import connection
from django.test import Client

from apps.parties.testing import make_channel
from bss.testing import assert_tmf_error, bearer

pytestmark = pytest.mark.urls("tests.bss.kit_urls")
HUB = "/tmf-api/kitTest/v1/hub"


@pytest.fixture
def cut_connection(transactional_db):
    """The server ends this process's database session, as `pg_ctl restart` does to every session."""

    def cut():
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        settings = connection.settings_dict
        with psycopg.connect(host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                             dbname=settings["NAME"], autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    yield cut
    connection.close()  # the next user reconnects


def test_a_tmf_request_whose_database_session_was_ended_answers_503_with_retry_after(api, cut_connection):
    _, token = make_channel("kit-reader", scopes=["tmf999.read"])
    cut_connection()

    response = api.get(HUB, **bearer(token))

    body = assert_tmf_error(response, 503, "SERVICE_UNAVAILABLE")
    assert (body["reason"], body["message"]) == ("Service unavailable", "try again later")
    assert response["Retry-After"] == "5"


def test_a_page_outside_the_tmf_kit_answers_503_not_500(cut_connection, django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_user(username="olga", password="pw", is_staff=True))
    cut_connection()

    response = client.get("/console/")  # the session and the user are read first: outside DRF

    body = assert_tmf_error(response, 503, "SERVICE_UNAVAILABLE")
    assert body["message"] == "try again later"
    assert response["Retry-After"] == "5"
