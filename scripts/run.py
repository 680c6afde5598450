#!/usr/bin/env python3
"""`make run`: the whole back office in the foreground.

Embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL point elsewhere), migrations, demo
data and static files, then the web server, a Celery worker and Celery beat with their output
prefixed by name. A child that exits on its own is started again (see supervise). Ctrl-C stops everything; the
data under var/run/ is kept for the next run.
Environment: PORT (8000), HOST (127.0.0.1), BSS_ADMIN_PASSWORD (admin), BSS_PG_PORT, BSS_REDIS_PORT.
"""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import devservices

ROOT = devservices.ROOT
BIN = Path(sys.executable).parent  # the venv's bin/, where celery is installed next to python
PORT = os.environ.get("PORT", "8000")
HOST = os.environ.get("HOST", "127.0.0.1")
BASE_URL = f"http://127.0.0.1:{PORT}"
READY_TIMEOUT = 60
STOP_GRACE = 10
QUICK_EXIT_SECONDS = 10  # a child that exits sooner than this after its start counts towards giving up
QUICK_EXITS_TO_GIVE_UP = 5
MAX_RESTART_DELAY = 30
QUEUES = "orders,activation,notifications,reconcile,default"

CHILDREN = {
    "web": [sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
    "worker": [str(BIN / "celery"), "-A", "config", "worker", "-Q", QUEUES, "-l", "INFO",
               "--concurrency", "2", "-n", "worker@%h"],
    "beat": [str(BIN / "celery"), "-A", "config", "beat", "-l", "INFO",
             "-S", "django_celery_beat.schedulers:DatabaseScheduler", "--pidfile="],
}

output_lock = threading.Lock()


def say(line: str, name: str = "run") -> None:
    with output_lock:
        sys.stdout.write(f"{name:<6} | {line.rstrip()}\n")
        sys.stdout.flush()


def main() -> int:
    # Until the children run, SIGTERM behaves like Ctrl-C so that the `finally` below still runs.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    profile = devservices.profile("run")
    try:
        started = devservices.up(profile)
    except devservices.DevServicesError as error:
        print(f"run: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    try:
        env = child_env(profile)
        for step in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput", "-v0"]):
            if subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=env).returncode:
                print(f"run: manage.py {' '.join(step)} failed", file=sys.stderr)
                return 1
        return supervise(env)
    except KeyboardInterrupt:
        return 0
    finally:
        devservices.down(profile, started)


def child_env(profile) -> dict:
    # Web and workers each write their metrics here; files of an earlier run would be counted again.
    metrics = profile.var / "prometheus"
    metrics.mkdir(parents=True, exist_ok=True)
    for stale in metrics.glob("*.db"):
        stale.unlink()
    return {
        **os.environ,
        **devservices.env(profile),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        "PYTHONUNBUFFERED": "1",  # lines reach the prefixed output as they are written
    }


def supervise(env: dict) -> int:
    """Run the children until a signal (exit 0). A child that exits on its own is started again, as a process
    manager would (systemd's Restart=on-failure): the Celery worker exits when the broker goes away mid-call
    (kombu 5.7, docs/reliability.md defect 3), and nothing is lost by starting it again. A child that keeps
    dying within seconds of its start is a broken setup, not a fault to ride out: then everything stops (exit 1)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    children, pumps = {}, []

    def start(name):
        # Own process group: a terminal's Ctrl-C reaches only us, and we stop the children ourselves.
        child = subprocess.Popen(CHILDREN[name], cwd=ROOT, env=env, process_group=0, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        child.started_at = time.monotonic()
        pumps.append(threading.Thread(target=pump, args=(name, child.stdout), daemon=True))
        pumps[-1].start()
        children[name] = child

    for name in CHILDREN:
        start(name)

    status = 0
    quick_exits = dict.fromkeys(CHILDREN, 0)  # exits in a row, each soon after its start
    restart_at = {}  # name -> when the exited child is started again
    ready_deadline = time.monotonic() + READY_TIMEOUT
    while not stop.wait(0.5):
        now = time.monotonic()
        for name, child in children.items():
            if name in restart_at or child.poll() is None:
                continue
            stop_group(child)  # pool processes of a dead Celery master would hold their queue's messages
            quick_exits[name] = quick_exits[name] + 1 if now - child.started_at < QUICK_EXIT_SECONDS else 1
            if quick_exits[name] >= QUICK_EXITS_TO_GIVE_UP:
                say(f"{name} exited (code {child.returncode}) {quick_exits[name]} times in a row within "
                    f"{QUICK_EXIT_SECONDS} s of its start; stopping")
                status = 1
                stop.set()
                break
            delay = min(2 ** (quick_exits[name] - 1), MAX_RESTART_DELAY)
            say(f"{name} exited unexpectedly (code {child.returncode}); starting it again in {delay} s")
            restart_at[name] = now + delay
        for name, when in list(restart_at.items()):
            if now >= when and not stop.is_set():
                del restart_at[name]
                start(name)
        if ready_deadline and devservices.http_ok(f"{BASE_URL}/health/ready"):
            banner()
            ready_deadline = None
        elif ready_deadline and time.monotonic() > ready_deadline:
            say(f"{BASE_URL}/health/ready did not answer 200 within {READY_TIMEOUT} s; "
                "still running, see the output above")
            ready_deadline = None

    say("stopping")
    stop_children(children)
    for thread in pumps:  # print the children's last lines before the services go down
        thread.join(timeout=2)
    return status


def pump(name: str, stream) -> None:
    for line in stream:
        say(line, name)


def stop_children(children: dict) -> None:
    """SIGTERM to each child's main process, which lets Celery finish running tasks (warm shutdown);
    after the grace period, SIGKILL to each group, which also takes pool processes left behind."""
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for child in children.values():
        try:
            child.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        stop_group(child)


def stop_group(child) -> None:
    """SIGKILL to the child's process group (what is left of it), and reap the child."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:  # the whole group is already gone
        pass
    child.wait()


def banner() -> None:
    password = os.environ.get("BSS_ADMIN_PASSWORD", "admin")
    rows = [
        ("API root", f"{BASE_URL}/tmf-api/"),
        ("API docs", f"{BASE_URL}/tmf-api/docs/"),
        ("Console", f"{BASE_URL}/console/"),
        ("Admin", f"{BASE_URL}/admin/   user admin, password {password}"),
        ("Health", f"{BASE_URL}/health/ready"),
        ("Metrics", f"{BASE_URL}/metrics"),
        ("API token", ".venv/bin/python manage.py issue_token demo-channel"),
        ("Other shells", 'eval "$(.venv/bin/python scripts/devservices.py env)" to reach the same services'),
    ]
    rule = "=" * 78
    lines = [rule, "BSS back office is running. Ctrl-C stops it; data stays in var/run/."]
    lines += [f"  {label:<14}{value}" for label, value in rows] + [rule]
    with output_lock:
        print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
