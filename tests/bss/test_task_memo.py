"""Reference rows read once per running task (bss.jobs.task_memo), through a real task run (Celery's eager apply
goes through the same prerun/postrun signals as a worker)."""
import pytest
from celery import shared_task

from bss.jobs import task_memo

loads = []


def _load():
    loads.append(1)
    return len(loads)


@shared_task(name="tests.bss.memo_twice")
def memo_twice():
    return [task_memo("key", _load), task_memo("key", _load)]


@pytest.fixture(autouse=True)
def fresh_loads():
    loads.clear()


def test_one_load_per_task_and_a_fresh_one_in_the_next_task():
    first = memo_twice.apply().get()
    second = memo_twice.apply().get()

    assert first == [1, 1]
    assert second == [2, 2]
    assert len(loads) == 2


def test_outside_a_task_every_call_loads():
    assert [task_memo("key", _load), task_memo("key", _load)] == [1, 2]


@pytest.mark.django_db
def test_a_subscription_change_in_this_process_drops_the_memo():
    from bss.events import hub_memo_forget
    from bss.jobs import _memo

    _memo.values = {"key": "stale"}
    hub_memo_forget()

    assert _memo.values is None
