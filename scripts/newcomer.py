#!/usr/bin/env python3
"""The run path as a newcomer meets it: a stage of `make test` (scripts/test.sh), so `.ci/run` proves it.

    newcomer.py [--only run|production|pip-check]

1. pip check: a venv per requirement set (base, production, local, test), built from that file alone and cached
   by the hash of every requirements file (they include each other), so the stage costs little when nothing
   changed. A cold cache installs each once.
2. run: a scratch copy of this tree with `.venv/` = the `local` venv (never the test set), where the README's
   `make run` starts on free ports. It waits for /health/ready, issues a demo-channel token, posts one Business
   Fiber TMF622 order and sees it completed with its TMF637 products active, then sends Ctrl-C (SIGINT to the
   process group, as a terminal does) and asserts every process it started is gone. A second start finds the
   order again in ./var/run/, sees its Celery worker master killed (kill -9) and started again by make run, a
   second order completed, and stops as cleanly.
3. production: the `production` venv runs what the Dockerfile and compose.yaml run (scripts/production.sh):
   collectstatic, `check --deploy` with no warning, migrate and seed, gunicorn, both worker groups and beat
   under config.settings.production, the image's health check (scripts/healthcheck.py), the same order, then
   SIGTERM (what `docker stop` sends) and every process gone.
Logs: var/test/newcomer/. Exit status 1 with the reason on the first failure.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "test" / "newcomer"
TREE = WORK / "tree"
VENV_CACHE = Path(os.environ.get("BSS_VENV_CACHE") or Path.home() / ".cache" / "bss" / "venvs")
PYTHON = os.environ.get("PYTHON", "python3.11")
REQUIREMENT_SETS = ("base", "production", "local", "test")
OFFERING = "Business Fiber 1 Gbps"
ORDERING = "/tmf-api/productOrderingManagement/v4/productOrder"
CATALOG = "/tmf-api/productCatalogManagement/v4/productOffering"
INVENTORY = "/tmf-api/productInventory/v4/product"
ENDED = {"completed", "failed", "partial", "cancelled", "rejected"}
READY_TIMEOUT = 300  # a cold first start: initdb, every migration, the demo catalog
ORDER_TIMEOUT = 120
STOP_TIMEOUT = 60
PRODUCTION_ROLES = ("web", "worker-critical", "worker-background", "beat")


class StageFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"newcomer: {message}", flush=True)


# --- venvs, one per requirement set ---------------------------------------------------------------------------

def requirements_hash() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted((ROOT / "requirements").glob("*.txt")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cached_venv(requirement_set: str) -> Path:
    """A venv holding requirements/<set>.txt and nothing else, built once per requirements hash."""
    venv = VENV_CACHE / f"{requirement_set}-{requirements_hash()}"
    if not (venv / ".complete").exists():
        say(f"building the {requirement_set} venv (cold cache): {venv}")
        shutil.rmtree(venv, ignore_errors=True)
        run([PYTHON, "-m", "venv", str(venv)], "venv")
        run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "-r", str(ROOT / "requirements" / f"{requirement_set}.txt")], f"pip install {requirement_set}")
        (venv / ".complete").touch()
        for stale in VENV_CACHE.glob(f"{requirement_set}-*"):  # venvs of requirements that changed since
            if stale != venv:
                shutil.rmtree(stale, ignore_errors=True)
    return venv


def pip_check() -> dict[str, Path]:
    venvs = {}
    for requirement_set in REQUIREMENT_SETS:
        venvs[requirement_set] = venv = cached_venv(requirement_set)
        run([str(venv / "bin" / "python"), "-m", "pip", "check", "--disable-pip-version-check"],
            f"pip check ({requirement_set})")
    say("pip check clean for " + ", ".join(REQUIREMENT_SETS))
    return venvs


def run(command: list[str], what: str, **kwargs) -> str:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise StageFailed(f"{what} failed (exit {result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


# --- the scratch tree and its processes -----------------------------------------------------------------------

def scratch_tree(venv: Path) -> None:
    """What a fresh clone holds (tracked files plus new ones not ignored), its `.venv` the given venv."""
    shutil.rmtree(TREE, ignore_errors=True)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in listed)):
        source = ROOT / name
        if source.is_file():
            (TREE / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, TREE / name)
    (TREE / ".venv").symlink_to(venv)


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def newcomer_env(**extra: str) -> dict[str, str]:
    """A login shell's environment: nothing of this test run's (its DATABASE_URL, settings, venv) leaks in."""
    keep = {name: os.environ[name] for name in ("HOME", "LANG", "LC_ALL", "TERM", "USER", "TMPDIR")
            if name in os.environ}
    path = [entry for entry in os.environ.get("PATH", "/usr/bin:/bin").split(":") if ".venv" not in entry]
    return {**keep, "PATH": ":".join(path), "PYTHONUNBUFFERED": "1", **extra}


class Started:
    """Every process a command started, sampled while it runs: its descendants, and the daemons (pg_ctl's
    postgres, redis-server) that left the tree but name the scratch tree in their command line."""

    def __init__(self, command: list[str], env: dict, log: Path, *, daemons: bool = False):
        self.log, self.daemons = log, daemons
        self.process = subprocess.Popen(command, cwd=TREE, env=env, process_group=0, stdin=subprocess.DEVNULL,
                                        stdout=log.open("w"), stderr=subprocess.STDOUT)
        self.seen: dict[int, float] = {}
        self.sample()

    def sample(self) -> None:
        """Remember every descendant seen so far (and the tree's daemons), with its start time against pid reuse."""
        try:
            family = [psutil.Process(self.process.pid), *psutil.Process(self.process.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            family = []
        for proc in family + (ours() if self.daemons else []):
            try:
                self.seen.setdefault(proc.pid, proc.create_time())
            except psutil.NoSuchProcess:
                pass

    def alive(self) -> list[str]:
        left = []
        for pid, created in self.seen.items():
            try:
                proc = psutil.Process(pid)
                if proc.create_time() == created and proc.status() != psutil.STATUS_ZOMBIE:
                    left.append(f"{pid} {' '.join(proc.cmdline())[:120]}")
            except psutil.NoSuchProcess:
                pass
        return left

    def tail(self, lines: int = 15) -> str:
        """The log's error lines (an import error says which module is missing), then its last lines."""
        text = self.log.read_text(errors="replace").splitlines()
        errors = list(dict.fromkeys(line for line in text if "Error:" in line or "exited unexpectedly" in line))
        return "\n".join(errors[:10] + ["..."] + text[-lines:])


def ours() -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if str(TREE) in " ".join(proc.info["cmdline"] or []):
            found.append(proc)
    return found


def wait_until(check, what: str, timeout: float, started: Started | None = None, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if started is not None:
            started.sample()
            if started.process.poll() is not None:
                raise StageFailed(f"{what}: the process ended first (exit {started.process.returncode}):\n"
                                  f"{started.tail()}")
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise StageFailed(f"{what}: not within {timeout:.0f} s" + (f":\n{started.tail()}" if started else ""))


def http_ok(url: str, headers: dict | None = None) -> bool:
    try:
        return requests.get(url, headers=headers, timeout=3).status_code == 200
    except requests.RequestException:
        return False


def stop(started: list[Started], signum: int, what: str) -> None:
    """Signal each process group, then wait for every process any of them started to be gone (for a command
    that starts daemons, also every process naming the scratch tree: the embedded services it started itself)."""
    for each in started:
        each.sample()
        try:
            os.killpg(each.process.pid, signum)
        except ProcessLookupError:
            pass
    for each in started:
        try:
            each.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise StageFailed(f"{what}: still running {STOP_TIMEOUT} s after {signal.Signals(signum).name}:\n"
                              f"{each.tail()}") from None
    left = []
    daemons = any(each.daemons for each in started)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        left = [line for each in started for line in each.alive()] + [
            f"{proc.pid} {' '.join(proc.cmdline())[:120]}" for proc in (ours() if daemons else [])
            if proc.status() != psutil.STATUS_ZOMBIE]
        if not left:
            break
        time.sleep(0.3)
    if left:
        raise StageFailed(f"{what}: processes left after {signal.Signals(signum).name}:\n  " + "\n  ".join(left))
    say(f"{what}: {signal.Signals(signum).name} stopped every process it started "
        f"({len({pid for each in started for pid in each.seen})} seen)")


# --- one order, as a channel places it ------------------------------------------------------------------------

class Channel:
    def __init__(self, base_url: str, token: str, database_url: str, headers: dict | None = None):
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        with psycopg.connect(database_url) as conn:  # the demo customer, as bench/e2e.py finds it
            row = conn.execute("SELECT p.id, a.id FROM parties_party p JOIN parties_billingaccount a "
                               "ON a.party_id = p.id WHERE p.name = 'ACME Corp' LIMIT 1").fetchone()
        if row is None:
            raise StageFailed("no demo customer after seed_demo")
        self.customer_id, self.account_id = str(row[0]), str(row[1])

    def get(self, path: str, **params):
        response = requests.get(self.base_url + path, params=params, headers=self.headers, timeout=10)
        if response.status_code != 200:
            raise StageFailed(f"GET {path} answered {response.status_code}: {response.text[:500]}")
        return response.json()

    def order_completed(self) -> str:
        offerings = self.get(CATALOG, name=OFFERING)
        if not offerings:
            raise StageFailed(f"offering {OFFERING!r} not in the catalog")
        response = requests.post(self.base_url + ORDERING, headers=self.headers, timeout=30, json={
            "externalId": f"newcomer-{secrets.token_hex(8)}",
            "relatedParty": [{"id": self.customer_id, "role": "customer", "@referredType": "Organization"}],
            "billingAccount": {"id": self.account_id},
            "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": offerings[0]["id"]}}]})
        if response.status_code != 201:
            raise StageFailed(f"POST productOrder answered {response.status_code}: {response.text[:500]}")
        order_id = response.json()["id"]
        order = wait_until(lambda: (lambda o: o if o["state"] in ENDED else None)(self.get(f"{ORDERING}/{order_id}")),
                           f"order {order_id} to end", ORDER_TIMEOUT, interval=1)
        if order["state"] != "completed":
            raise StageFailed(f"order {order_id} ended {order['state']}")
        products = [item["product"]["id"] for item in order["productOrderItem"] if item.get("product")]
        states = {product_id: self.get(f"{INVENTORY}/{product_id}")["status"] for product_id in products}
        if not products or set(states.values()) != {"active"}:
            raise StageFailed(f"order {order_id}: products {states}, expected every one active")
        say(f"order {order_id} completed, {len(products)} products active")
        return order_id


def exports(output: str) -> dict[str, str]:
    """`export NAME='value'` lines (scripts/devservices.py) as a dict."""
    values = {}
    for line in output.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            name, _, value = words[1].partition("=")
            values[name] = value
    return values


def manage(venv: Path, env: dict, *args: str) -> str:
    return run([str(venv / "bin" / "python"), "manage.py", *args], f"manage.py {' '.join(args)}", cwd=TREE, env=env)


def kill_worker_master(make_run: Started) -> None:
    """kill -9 of make run's Celery worker master: make run must start it again (defect 3 in docs/reliability.md:
    the worker can exit on its own when Redis goes away), so that the next order still completes."""
    [master] = [proc for proc in psutil.Process(make_run.process.pid).children(recursive=True)
                if is_celery_worker(proc) and not is_celery_worker(proc.parent())]
    seen = len(make_run.log.read_text())
    master.kill()

    def printed_since_kill():
        return make_run.log.read_text()[seen:]

    wait_until(lambda: "worker exited unexpectedly (code -9); starting it again" in printed_since_kill(),
               "make run to see its worker killed", 15, make_run)
    wait_until(lambda: " ready." in printed_since_kill().split("starting it again")[-1],
               "make run to start its worker again", READY_TIMEOUT, make_run)
    say(f"make run: worker master {master.pid} killed with SIGKILL, started again")


def is_celery_worker(proc: psutil.Process) -> bool:
    cmdline = proc.cmdline()
    return any(part.endswith("celery") for part in cmdline[:2]) and "worker" in cmdline


# --- the stages -----------------------------------------------------------------------------------------------

def run_stage(venv: Path) -> None:
    web_port, pg_port, redis_port = free_ports(3)
    env = newcomer_env(PORT=str(web_port), BSS_PG_PORT=str(pg_port), BSS_REDIS_PORT=str(redis_port))
    base_url = f"http://127.0.0.1:{web_port}"
    services = exports(run([str(venv / "bin" / "python"), "scripts/devservices.py", "env"], "devservices env",
                           cwd=TREE, env=env))
    order_id = None
    for attempt in ("first", "second"):
        began = time.monotonic()
        make_run = Started(["make", "run"], env, WORK / f"make-run-{attempt}.log", daemons=True)
        try:
            wait_until(lambda: http_ok(base_url + "/health/ready"), f"make run ({attempt} start) ready",
                       READY_TIMEOUT, make_run)
            say(f"make run ({attempt} start): /health/ready 200 after {time.monotonic() - began:.0f} s")
            token = manage(venv, {**env, **services}, "issue_token", "demo-channel").strip().splitlines()[-1]
            channel = Channel(base_url, token, services["DATABASE_URL"])
            if order_id is None:
                order_id = channel.order_completed()
            else:  # the data in ./var/run/ survived the stop
                kept = channel.get(f"{ORDERING}/{order_id}")["state"]
                if kept != "completed":
                    raise StageFailed(f"after a restart order {order_id} is {kept!r}, expected 'completed'")
                say(f"order {order_id} still completed after the restart (var/run kept)")
                kill_worker_master(make_run)
                channel.order_completed()
        except StageFailed as failure:
            if make_run.process.poll() is None:
                raise
            # Ready first, then a child died (a missing module in the worker, say): say what make run printed.
            raise StageFailed(f"{failure}\nmake run ended (exit {make_run.process.returncode}):\n"
                              f"{make_run.tail()}") from None
        finally:
            stop([make_run], signal.SIGINT, f"make run ({attempt} start)")
        exited = re.findall(r"(\w+) exited unexpectedly", make_run.log.read_text())
        if exited != ([] if attempt == "first" else ["worker"]):  # the second start's worker is killed on purpose
            raise StageFailed(f"a child of make run died ({attempt} start): {exited}\n{make_run.tail()}")


def production_stage(venv: Path) -> None:
    web_port, pg_port, redis_port = free_ports(3)
    host_env = newcomer_env(BSS_PG_PORT=str(pg_port), BSS_REDIS_PORT=str(redis_port))
    devservices = [str(venv / "bin" / "python"), "scripts/devservices.py"]
    # The recipe's external PostgreSQL and Redis: here, embedded ones in the scratch tree, on a fresh database.
    started = exports(run([*devservices, "up", "--profile", "test"], "services up", cwd=TREE, env=host_env))
    try:
        urls = exports(run([*devservices, "scratch", "--profile", "test", "bss_production"], "scratch database",
                           cwd=TREE, env=host_env))
        env = newcomer_env(
            PATH=f"{venv / 'bin'}:{newcomer_env()['PATH']}", DJANGO_SETTINGS_MODULE="config.settings.production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="bss.example.test,127.0.0.1",
            BSS_DEMO_ACCESS="1",  # this check orders as demo-channel: asked for explicitly, as docs/deploy.md says
            BIND=f"127.0.0.1:{web_port}", PORT=str(web_port), WEB_CONCURRENCY="2", WORKER_CONCURRENCY="2",
            PROMETHEUS_MULTIPROC_DIR=str(WORK / "prometheus"), **urls)
        shutil.rmtree(WORK / "prometheus", ignore_errors=True)
        (WORK / "prometheus").mkdir(parents=True)
        role = ["sh", "scripts/production.sh"]
        run([*role, "collectstatic"], "production.sh collectstatic", cwd=TREE, env=env)
        checked = run([*role, "check"], "manage.py check --deploy", cwd=TREE, env=env)
        if "no issues" not in checked:
            raise StageFailed(f"check --deploy did not say 'no issues':\n{checked}")
        say("production: check --deploy: " + checked.strip().splitlines()[-1])
        run([*role, "migrate"], "production.sh migrate", cwd=TREE, env=env)
        began = time.monotonic()
        processes = [Started([*role, name], env, WORK / f"production-{name}.log") for name in PRODUCTION_ROLES]
        try:
            healthcheck = [str(venv / "bin" / "python"), "scripts/healthcheck.py"]
            wait_until(lambda: subprocess.run(healthcheck, cwd=TREE, env=env, capture_output=True).returncode == 0,
                       "production web healthy", READY_TIMEOUT, processes[0])
            say(f"production: health check passed after {time.monotonic() - began:.0f} s")
            token = manage(venv, env, "issue_token", "demo-channel").strip().splitlines()[-1]
            # As the TLS proxy in front forwards it (docs/deploy.md).
            proxy = {"Host": "bss.example.test", "X-Forwarded-Proto": "https"}
            Channel(f"http://127.0.0.1:{web_port}", token, urls["DATABASE_URL"], proxy).order_completed()
        finally:
            stop(processes, signal.SIGTERM, "production processes")
    finally:
        run([*devservices, "down", "--profile", "test", *started.get("BSS_DEVSERVICES_STARTED", "").split()],
            "services down", cwd=TREE, env=host_env)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("pip-check", "run", "production"))
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    try:
        venvs = pip_check()
        if args.only in (None, "run"):
            scratch_tree(venvs["local"])
            run_stage(venvs["local"])
        if args.only in (None, "production"):
            scratch_tree(venvs["production"])
            production_stage(venvs["production"])
    except StageFailed as failure:
        say(f"FAILED: {failure}")
        return 1
    say(f"stage passed in {time.monotonic() - began:.0f} s (logs in {WORK.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
