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


def test_a_task_right_after_another_skips_the_health_check(persistent_connection):
    signals.task_postrun.send(sender=None)  # a task ended: its connection just answered
    signals.task_prerun.send(sender=None)

    assert persistent_connection.health_check_done is True  # no SELECT 1 before this task's first query


def test_a_task_after_an_idle_spell_checks_and_replaces_a_connection_the_server_dropped(
        persistent_connection, monkeypatch, django_db_blocker):
    import psycopg
    from bss import jobs

    signals.task_postrun.send(sender=None)
    killed_pid = persistent_connection.connection.info.backend_pid
    params = persistent_connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:  # the server drops the idle connection
        admin.execute("SELECT pg_terminate_backend(%s)", [killed_pid])
    monkeypatch.setattr(jobs, "HEALTH_CHECK_AFTER_IDLE_SECONDS", 0.0)  # as if a second had passed

    signals.task_prerun.send(sender=None)
    with persistent_connection.cursor() as cursor:  # the task's first query: on a fresh connection
        cursor.execute("SELECT pg_backend_pid()")
        new_pid = cursor.fetchone()[0]

    assert new_pid != killed_pid
