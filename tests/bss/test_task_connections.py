"""Workers keep their database connection across tasks (no new PostgreSQL backend per task), but drop it around
a task once it broke, as Django does around a request."""
import pytest
from celery import signals
from django.db import connection


@pytest.fixture
def persistent_connection(transactional_db):
    """The worker's production setting (test settings close connections after each use)."""
    saved = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.close()
    connection.ensure_connection()
    yield connection
    connection.settings_dict["CONN_MAX_AGE"] = saved
    connection.close()


def test_a_healthy_connection_survives_the_task_boundaries(persistent_connection):
    before = persistent_connection.connection

    signals.task_postrun.send(sender=None)
    signals.task_prerun.send(sender=None)

    assert persistent_connection.connection is before


def test_a_broken_connection_is_dropped_before_the_next_task(persistent_connection):
    persistent_connection.connection.close()  # the server went away
    persistent_connection.errors_occurred = True  # as after the failed query that noticed it

    signals.task_prerun.send(sender=None)

    assert persistent_connection.connection is None
    with persistent_connection.cursor() as cursor:  # the next task connects afresh
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
