"""`make run`'s supervisor (scripts/run.py): a child that exits on its own is started again; one that keeps dying
at its start stops the run. The children here are real processes (a short Python program each). The whole
path with the real worker is the newcomer stage's kill -9 of the worker master (scripts/newcomer.py)."""
import importlib
import signal
import sys

import pytest

from tests.conftest import ROOT


@pytest.fixture
def run_script(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    module = importlib.import_module("run")
    monkeypatch.setattr(module, "QUICK_EXIT_SECONDS", 5)
    monkeypatch.setattr(module, "MAX_RESTART_DELAY", 1)
    monkeypatch.setattr(module, "BASE_URL", "http://127.0.0.1:9")  # nothing answers: no banner
    lines = []
    monkeypatch.setattr(module, "say", lambda line, name="run": lines.append(f"{name}: {line.rstrip()}"))
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield module, lines
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


def test_a_child_that_exits_is_started_again_and_the_run_goes_on(run_script, tmp_path, monkeypatch):
    module, lines = run_script
    starts = tmp_path / "starts"
    # Exits with 3 on its first start; on its second it asks the supervisor to stop (SIGTERM, as a terminal's
    # kill would) and then waits to be stopped.
    program = (f"import os, signal, time, pathlib; p = pathlib.Path({str(starts)!r}); "
               "n = len(p.read_text()) if p.exists() else 0; p.write_text('x' * (n + 1)); print('start', n + 1, flush=True); "
               "n == 0 and os._exit(3); os.kill(os.getppid(), signal.SIGTERM); time.sleep(60)")
    monkeypatch.setattr(module, "CHILDREN", {"flaky": [sys.executable, "-c", program]})

    assert module.supervise({}) == 0

    assert starts.read_text() == "xx"
    # The children's lines are relayed by their own threads, so only each source's own order is fixed.
    assert [line for line in lines if line.startswith("run:")] == [
        "run: flaky exited unexpectedly (code 3); starting it again in 1 s",
        "run: stopping",
    ]
    assert [line for line in lines if line.startswith("flaky:")] == ["flaky: start 1", "flaky: start 2"]


def test_a_child_that_keeps_dying_at_its_start_stops_the_run(run_script, monkeypatch):
    module, lines = run_script
    monkeypatch.setattr(module, "QUICK_EXITS_TO_GIVE_UP", 3)
    monkeypatch.setattr(module, "CHILDREN", {"broken": [sys.executable, "-c", "raise SystemExit(2)"]})

    assert module.supervise({}) == 1

    assert [line for line in lines if line.startswith("run:")] == [
        "run: broken exited unexpectedly (code 2); starting it again in 1 s",
        "run: broken exited unexpectedly (code 2); starting it again in 1 s",
        "run: broken exited (code 2) 3 times in a row within 5 s of its start; stopping",
        "run: stopping",
    ]
