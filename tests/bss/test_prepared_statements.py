"""PostgreSQL prepares a statement the second time a connection runs it (ADR 0010): the server binds the
parameters, and a repeated ORM query is planned once per connection."""
import importlib

import pytest
from django.db import connection

from apps.parties.models import Party


def prepared_statements(cursor) -> list[str]:
    cursor.execute("SELECT statement FROM pg_prepared_statements")
    return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.django_db
def test_a_query_run_again_on_the_connection_is_prepared_with_server_bound_parameters():
    list(Party.objects.filter(name="first"))
    with connection.cursor() as cursor:
        assert not [s for s in prepared_statements(cursor) if "parties_party" in s]

    list(Party.objects.filter(name="second"))  # same SQL, other parameter
    with connection.cursor() as cursor:
        prepared = [s for s in prepared_statements(cursor) if "parties_party" in s]

    assert len(prepared) == 1
    assert '"parties_party"."name" = $1' in prepared[0]


def test_preparing_can_be_turned_off_for_a_transaction_pooler(monkeypatch):
    from config.settings import base

    monkeypatch.setenv("BSS_DB_PREPARE_THRESHOLD", "off")
    try:
        options = importlib.reload(base).DATABASES["default"]["OPTIONS"]
    finally:
        monkeypatch.undo()
        importlib.reload(base)  # the module as the environment has it again

    assert options == {"server_side_binding": True, "prepare_threshold": None}
