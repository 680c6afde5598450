#!/usr/bin/env python
"""Chaos run against the live system (not part of `make test`): faults injected under load, then the books.

    python bench/chaos.py [--orders 500] [--rate 3] [--scenarios pool-kill,master-kill,duplicates,redis,...]
                          [--pool-kills 100] [--master-kills 10] [--redis-down 30] [--pg-down-check 20]
                          [--listener-blip-seconds 20] [--listener-down-seconds 600] [--callback-stuck-seconds 6]
                          [--no-write]

Starts the bench/serve.py system itself (gunicorn, Celery worker, beat) on the run profile's embedded
PostgreSQL/Redis (BSS_PG_PORT, BSS_REDIS_PORT, PORT are honoured) with a fresh database `bss_chaos`, so that it
can kill and restart the worker, Redis and PostgreSQL. Each scenario posts Business Fiber orders through TMF622 as
demo-channel while a TMF622 hub listener of its own records every notification, injects its fault during the
load, waits for the orders to end and checks the books: every accepted order terminal and completed, its products
active (TMF637) and its services active (TMF638), each network change applied exactly once (the simulator's
operations per service, platform and kind), every event delivered to the listener, in order per order, and none
sent again after the hub recorded the listener's 2xx. A 2xx the hub did not live to record (its worker killed in
between) is at-least-once's resend, with the same eventId for an idempotent consumer to drop: its own column.
Prints one table and writes it to docs/reliability.md with the date and the command."""
import argparse
import faulthandler
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("BSS_PG_PORT", "55516")
os.environ.setdefault("BSS_REDIS_PORT", "63516")
os.environ.setdefault("PORT", "8016")
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "bench"), str(ROOT)]

import devservices  # noqa: E402
import run  # noqa: E402
import serve  # noqa: E402
from bss.hub_listener import Listener  # noqa: E402

ORDERING = "/tmf-api/productOrderingManagement/v4/productOrder"
HUB = "/tmf-api/productOrderingManagement/v4/hub"
CATALOG = "/tmf-api/productCatalogManagement/v4/productOffering"
OFFERING = "Business Fiber 1 Gbps"
ENDED = {"completed", "failed", "partial", "cancelled", "rejected"}
LOGS = ROOT / "var" / "chaos"
CALLBACK = "apps.service_ordering.handlers.network_operation_completed"


def say(message):
    print(f"chaos | {message}", flush=True)


class System:
    """The serve.py processes, supervised here so that the worker can be killed and started again."""

    def __init__(self, args):
        self.args = args
        self.profile = devservices.profile("run")
        self.commands = serve.configure(web_workers=3, worker_concurrency=args.worker_concurrency)
        self.children = {}
        self.started = []
        # As production's process manager does (compose: restart: unless-stopped), a process that exits on its
        # own is started again; a deliberate kill holds the lock while it restarts the worker itself.
        self.restarted = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.base_url = f"http://127.0.0.1:{os.environ['PORT']}"

    def start(self):
        LOGS.mkdir(parents=True, exist_ok=True)
        if devservices.http_ok(f"{self.base_url}/health/live"):  # e.g. left by a run killed from outside
            raise SystemExit(f"{self.base_url} already answers: stop that system or choose another PORT")
        self.started = devservices.up(self.profile)
        urls = devservices.scratch(self.profile, "bss_chaos")
        self.env = {**run.child_env(self.profile), **urls, "LOG_LEVEL": "WARNING",
                    # Shortened so a listener outage and the dead-letter limit fit in a run.
                    "BSS_HUB_BACKOFF_BASE": str(self.args.hub_backoff_base),
                    "BSS_HUB_MAX_ATTEMPTS": str(self.args.hub_max_attempts),
                    "BSS_CALLBACK_STATEMENT_TIMEOUT_MS": str(self.args.callback_timeout_ms)}
        os.environ.update(urls)
        for step in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=self.env, check=True,
                           stdout=subprocess.DEVNULL)
        for name in self.commands:
            self.spawn(name)
        threading.Thread(target=self.supervise, daemon=True).start()
        deadline = time.monotonic() + 60
        while not devservices.http_ok(f"{self.base_url}/health/ready"):
            if time.monotonic() > deadline:
                raise SystemExit("the system did not get ready; see var/chaos/*.log")
            time.sleep(0.5)

    def spawn(self, name):
        log = open(LOGS / f"{name}.log", "ab")
        self.children[name] = subprocess.Popen(self.commands[name], cwd=ROOT, env=self.env, process_group=0,
                                               stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def supervise(self):
        while not self.stopping.wait(1):
            with self.lock:
                for name, child in list(self.children.items()):
                    if child.poll() is not None and not self.stopping.is_set():
                        say(f"{name} exited with {child.returncode}: started again (see var/chaos/{name}.log)")
                        self.restarted[name] += 1
                        self.spawn(name)

    def pool_children(self):
        try:
            return psutil.Process(self.children["worker"].pid).children()
        except psutil.NoSuchProcess:
            return []

    def kill_pool_child(self) -> bool:
        children = self.pool_children()
        if not children:
            return False
        os.kill(random.choice(children).pid, signal.SIGKILL)
        return True

    def kill_and_restart_worker(self):
        with self.lock:
            worker = self.children["worker"]
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            time.sleep(1)
            try:  # pool children the master left behind
                os.killpg(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.spawn("worker")

    def redis(self, up: bool):
        # Not devservices.up(): REDIS_URL is in this process's environment (the scratch URLs), which up() reads as
        # "an external Redis" and so never started it again (why the first Redis runs never drained).
        if up:
            devservices._redis_up(self.profile)
        else:
            devservices.down(self.profile, ["redis"])

    def pg_restart(self, mode: str):
        """pg_ctl restart -m fast|immediate of the embedded PostgreSQL (its options are kept in postmaster.opts)."""
        devservices._pg_tool("pg_ctl", "-D", self.profile.pgdata, "-l", self.profile.pg_log, "-m", mode, "-w",
                             "-t", "60", "restart", as_pg_user=True, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)

    def stop(self):
        self.stopping.set()
        with self.lock:
            run.stop_children(self.children)
        devservices.down(self.profile, self.started)


class Channel:
    def __init__(self, system):
        self.base_url = system.base_url
        token = subprocess.check_output([sys.executable, "manage.py", "issue_token", "demo-channel"], cwd=ROOT,
                                        env=system.env, text=True).strip().splitlines()[-1]
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.offering = requests.get(self.base_url + CATALOG, params={"name": OFFERING}, headers=self.headers,
                                     timeout=10).json()[0]["id"]
        from apps.parties.models import BillingAccount

        account = BillingAccount.objects.select_related("party").get(party__name="ACME Corp")
        self.customer, self.account = str(account.party_id), str(account.pk)
        self.listener = Listener().start()
        response = requests.post(self.base_url + HUB, json={"callback": self.listener.url}, headers=self.headers,
                                 timeout=10)
        response.raise_for_status()
        self.subscription = response.json()["id"]

    def body(self, external_id=None):
        return {"externalId": external_id or f"chaos-{uuid.uuid4().hex}",
                "relatedParty": [{"id": self.customer, "role": "customer", "@referredType": "Organization"}],
                "billingAccount": {"id": self.account},
                "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": self.offering}}]}

    def post(self, body=None, **headers):
        started = time.perf_counter()
        try:
            response = requests.post(self.base_url + ORDERING, json=body or self.body(),
                                     headers={**self.headers, **headers}, timeout=30)
        except requests.RequestException as exc:
            return {"status": type(exc).__name__, "seconds": time.perf_counter() - started}
        body = response.json() if "json" in response.headers.get("Content-Type", "") else {}
        order_id = body.get("id") if response.status_code in (200, 201) else None
        return {"status": response.status_code, "id": order_id, "seconds": time.perf_counter() - started,
                "tmf error": {"code", "reason", "status"} <= set(body) if isinstance(body, dict) else False}

    def load(self, orders, rate, concurrency=8):
        """Open loop: `orders` POSTs at `rate`/s; returns the answers."""
        start = time.perf_counter()

        def one(index):
            time.sleep(max(0.0, start + index / rate - time.perf_counter()))
            return self.post()

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            return list(pool.map(one, range(orders)))


def wait_terminal(order_ids, timeout):
    from django.db import close_old_connections

    from apps.product_ordering.models import ProductOrder

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        close_old_connections()
        try:
            open_orders = ProductOrder.objects.filter(pk__in=order_ids).exclude(state__in=ENDED).count()
        except Exception:  # noqa: BLE001 - the database may be restarting
            open_orders = -1
        if open_orders == 0:
            return time.monotonic() - started
        time.sleep(1)
    return None


def books(channel, order_ids, resent=frozenset()):
    """What the scenario's orders left behind, counted from the database and the listener. A resource one of
    whose events was dead-lettered and re-sent (`resent`, event ids) hears that one late by design: its order is
    not checked."""
    from django.db import close_old_connections
    from django.db.models import Count

    from apps.network.models import NetworkOperation
    from apps.product_inventory.models import Product
    from apps.product_ordering.models import ProductOrder, ServiceItem
    from apps.service_inventory.models import Service
    from bss.models import Delivery

    close_old_connections()
    orders = Counter(ProductOrder.objects.filter(pk__in=order_ids).values_list("state", flat=True))
    service_ids = set(ServiceItem.objects.filter(order_item__order_id__in=order_ids).exclude(service_id="")
                      .values_list("service_id", flat=True))
    services = Counter(Service.objects.filter(pk__in=service_ids).values_list("state", flat=True))
    product_ids = [pid for pid in ProductOrder.objects.filter(pk__in=order_ids)
                   .values_list("items__result_product_id", flat=True) if pid]
    products = Counter(Product.objects.filter(pk__in=product_ids).values_list("status", flat=True))
    # Each service of a family needs the same network changes: any above the family's fewest were applied twice.
    family_of = dict(Service.objects.filter(pk__in=service_ids).values_list("id", "family"))
    per_service = dict(NetworkOperation.objects.filter(service_id__in=service_ids).values("service_id")
                       .annotate(n=Count("id")).values_list("service_id", "n"))
    fewest = {}
    for service_id, n in per_service.items():
        family = family_of.get(uuid.UUID(service_id))
        fewest[family] = min(n, fewest.get(family, n))
    twice = sum(n - fewest[family_of.get(uuid.UUID(sid))] for sid, n in per_service.items())
    applied = sum(per_service.values())
    deliveries = Delivery.objects.filter(subscription_id=channel.subscription, event__resource_id__in=order_ids)
    states = Counter(deliveries.values_list("state", flat=True))
    emitted = {str(pk): (resource, created) for pk, resource, created in
               deliveries.values_list("event_id", "event__resource_id", "event__created_at")}
    acked_at = {str(pk): at.timestamp() for pk, at in deliveries.values_list("event_id", "delivered_at") if at}
    with channel.listener.changed:
        received = [(e.get("eventId"), at) for e, at in zip(channel.listener.received, channel.listener.heard_wall_at)
                    if e.get("eventId") in emitted]
    counts = Counter(event for event, _ in received)
    # At-least-once: a listener's 2xx that the hub did not live to record (its worker killed between the answer and
    # the delivered mark, or the database down at that moment) means the same event, same eventId, is sent again,
    # and an idempotent consumer drops it. What must never happen is a send after the hub recorded the 2xx.
    after_ack = {event for event, at in received if counts[event] > 1 and event in acked_at and at > acked_at[event]}
    late_by_design = {emitted[event][0] for event in resent if event in emitted}
    arrival = defaultdict(list)
    for event, _ in received:
        if counts[event] == 1 and emitted[event][0] not in late_by_design:
            arrival[emitted[event][0]].append(emitted[event][1])
    return {"orders": orders, "services": services, "products": products, "network twice": twice,
            "network applied": applied, "service count": len(service_ids),
            "events": len(emitted), "undelivered": sum(n for s, n in states.items() if s != "delivered"),
            "missing": len(set(emitted) - set(counts)), "sent after ack": len(after_ack),
            "resent unacked": sum(1 for event, n in counts.items() if n > 1 and event not in after_ack),
            "out of order": sum(1 for times in arrival.values() if times != sorted(times))}


# --- scenarios: each returns a Fault (what was injected, the answers, checks that must hold) -----------------

class Fault(dict):
    """fault: what was injected; answers: the POSTs' answers; checks: [(text, holds)]; refusals: answer statuses
    right for this fault (a TMF 503 while PostgreSQL is down); resent: event ids re-sent from the console."""

    def __init__(self, fault, answers, checks=(), refusals=(), resent=frozenset()):
        super().__init__(fault=fault, answers=answers, checks=list(checks), refusals=set(refusals), resent=resent)


class Load:
    """The open-loop load, in the background while a scenario injects its fault."""

    def __init__(self, channel, orders, rate):
        self.answers = []
        self.thread = threading.Thread(target=lambda: self.answers.extend(channel.load(orders, rate)))
        self.thread.start()

    def running(self) -> bool:
        return self.thread.is_alive()

    def wait(self) -> list:
        self.thread.join()
        return self.answers


def spread_over_load(channel, args, count, inject, what):
    """`inject()` `count` times, evenly over the load (it returns whether it injected a fault)."""
    load, done = Load(channel, args.orders, args.rate), 0
    interval = args.orders / args.rate / max(1, count)
    while load.running() and done < count:
        time.sleep(interval)
        done += bool(inject())
    return Fault(f"{done} × {what}", load.wait())


def pool_kill(system, channel, args):
    return spread_over_load(channel, args, args.pool_kills, system.kill_pool_child,
                            "kill -9 of a pool child")


def master_kill(system, channel, args):
    return spread_over_load(channel, args, args.master_kills,
                            lambda: system.kill_and_restart_worker() or True,
                            "kill -9 of the worker master, restarted")


def redis_outage(system, channel, args):
    load = Load(channel, args.orders, args.rate)
    time.sleep(min(5, args.orders / args.rate / 4))
    system.redis(up=False)
    down_at = time.monotonic()
    time.sleep(args.redis_down)
    system.redis(up=True)
    down = time.monotonic() - down_at
    return Fault(f"Redis stopped {down:.0f} s (drain: from Redis back)", load.wait())


class Prober:
    """GETs a TMF list and /health/ready every 0.2 s while a fault lasts: status, TMF shape, seconds."""

    def __init__(self, channel):
        self.channel, self.seen, self.stopped = channel, [], threading.Event()
        self.thread = threading.Thread(target=self.probe)
        self.thread.start()

    def probe(self):
        while not self.stopped.is_set():
            for path, headers in ((ORDERING + "?limit=1", self.channel.headers), ("/health/ready", {})):
                started = time.perf_counter()
                try:
                    response = requests.get(self.channel.base_url + path, headers=headers, timeout=30)
                    body = response.json() if "json" in response.headers.get("Content-Type", "") else {}
                    status = response.status_code
                    tmf = isinstance(body, dict) and {"code", "reason", "status"} <= set(body)
                except requests.RequestException as exc:
                    status, tmf = type(exc).__name__, False
                self.seen.append((path.split("?")[0], status, tmf, time.perf_counter() - started))
            time.sleep(0.2)

    def stop(self):
        self.stopped.set()
        self.thread.join()
        return self.seen


def pg_restart(mode):
    def scenario(system, channel, args):
        load = Load(channel, args.orders, args.rate)
        time.sleep(min(5, args.orders / args.rate / 4))
        prober = Prober(channel)
        started = time.monotonic()
        system.pg_restart(mode)
        restarted = time.monotonic() - started
        time.sleep(args.pg_down_check)  # and while every process finds its way back
        seen = prober.stop()
        answers = load.wait()
        refused = [a for a in answers if a["status"] != 201]
        api = [s for s in seen if s[0] != "/health/ready"]
        ready = [s for s in seen if s[0] == "/health/ready"]
        slowest = max([s[3] for s in seen] + [a["seconds"] for a in answers])
        checks = [
            (f"while down: GET answers {dict(Counter(s[1] for s in api))}, POST refusals "
             f"{dict(Counter(a['status'] for a in refused))}, all TMF 503",
             all(s[1] in (200, 503) and (s[1] == 200 or s[2]) for s in api)
             and all(a["status"] == 503 and a["tmf error"] for a in refused)),
            (f"/health/ready answers {dict(Counter(s[1] for s in ready))}, 503 seen",
             any(s[1] == 503 for s in ready) and all(s[1] in (200, 503) for s in ready)),
            (f"slowest answer {slowest:.1f} s ≤ 5 s", slowest <= 5),
        ]
        return Fault(f"pg_ctl restart -m {mode} ({restarted:.1f} s)", answers, checks, refusals={503})

    return scenario


def listener_down(system, channel, args):
    """A short outage the retries ride out, then a long one past the attempt limit: dead letters, listed in the
    console and re-sent from it by a staff session."""
    listener, checks = channel.listener, []
    budget = args.hub_backoff_base * (2 ** (args.hub_max_attempts - 1) - 1)

    listener.stop()
    load = Load(channel, args.orders // 2, args.rate)
    time.sleep(args.listener_blip_seconds)
    listener.start()
    answers = load.wait()
    blip_orders = [a["id"] for a in answers if a.get("id")]
    settled = wait_settled(channel, blip_orders, args.drain_timeout)
    dead = dead_letters(channel, blip_orders)
    checks.append((f"down {args.listener_blip_seconds:.0f} s (< {budget:.0f} s of retries): every delivery "
                   f"settled in {settled:.0f} s, {len(dead)} dead" if settled is not None else
                   "short outage: deliveries did not settle", settled is not None and not dead))

    listener.stop()
    load = Load(channel, args.orders - args.orders // 2, args.rate)
    time.sleep(args.listener_down_seconds)
    listener.start()
    answers += load.wait()
    orders = [a["id"] for a in answers if a.get("id")]
    settled = wait_settled(channel, orders, args.drain_timeout)
    dead = dead_letters(channel, orders)
    console = Console(channel.base_url)
    listed = console.dead_listed()
    resent = [console.resend(pk) for pk in dead]
    delivered = wait_settled(channel, orders, args.drain_timeout)
    still_dead = dead_letters(channel, orders)
    checks.append((f"down {args.listener_down_seconds:.0f} s: {len(dead)} dead-lettered past "
                   f"{args.hub_max_attempts} attempts, {len(set(dead) & listed)} listed in /console/deliveries/, "
                   f"re-sent there (answers {dict(Counter(resent))}), {len(still_dead)} dead after",
                   settled is not None and bool(dead) and set(dead) <= listed and set(resent) == {302}
                   and delivered is not None and not still_dead))
    return Fault(f"listener down {args.listener_blip_seconds:.0f} s, then {args.listener_down_seconds:.0f} s",
                 answers, checks, resent=frozenset(dead.values()))


def wait_settled(channel, order_ids, timeout):
    """Seconds until no listener delivery of these orders is pending (each delivered or dead), or None."""
    from django.db import close_old_connections

    from bss.models import Delivery

    if wait_terminal(order_ids, timeout) is None:
        return None
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        close_old_connections()
        if not Delivery.objects.filter(subscription_id=channel.subscription, event__resource_id__in=order_ids,
                                       state=Delivery.State.PENDING).exists():
            return time.monotonic() - started
        time.sleep(1)
    return None


def dead_letters(channel, order_ids) -> dict:
    """{delivery id: event id} of the dead-lettered deliveries of these orders to the channel's listener."""
    from django.db import close_old_connections

    from bss.models import Delivery

    close_old_connections()
    return {pk: str(event) for pk, event in Delivery.objects.filter(
        subscription_id=channel.subscription, event__resource_id__in=order_ids,
        state=Delivery.State.DEAD).values_list("pk", "event_id")}


class Console:
    """The operator console over HTTP, logged in as the demo's admin (a staff session, CSRF as a browser)."""

    def __init__(self, base_url):
        self.base_url, self.session = base_url, requests.Session()
        self.session.get(base_url + "/admin/login/", timeout=10)
        response = self.session.post(base_url + "/admin/login/?next=/console/", timeout=10, data={
            "username": "admin", "password": os.environ.get("BSS_ADMIN_PASSWORD") or "admin",
            "csrfmiddlewaretoken": self.session.cookies["csrftoken"], "next": "/console/"}, allow_redirects=False)
        if response.status_code != 302:
            raise SystemExit(f"console login refused ({response.status_code})")

    def dead_listed(self) -> set:
        """The delivery ids the dead-letter page offers to re-send, over all its pages."""
        import re

        listed, page = set(), 1
        while True:
            response = self.session.get(f"{self.base_url}/console/deliveries/?page={page}", timeout=30)
            found = {int(pk) for pk in re.findall(r"/console/deliveries/(\d+)/redrive", response.text)}
            if not found - listed:
                return listed
            listed |= found
            page += 1

    def resend(self, delivery_id) -> int:
        response = self.session.post(f"{self.base_url}/console/deliveries/{delivery_id}/redrive", timeout=30,
                                     data={"reason": "listener back (chaos run)",
                                           "csrfmiddlewaretoken": self.session.cookies["csrftoken"]},
                                     allow_redirects=False)
        return response.status_code


def callback_timeout(system, channel, args):
    """Each access-controller job waiting for its callback is row-locked once, for a while, by another session
    (a stuck transaction): its callback hits the statement timeout, is rolled back whole and retried."""
    import psycopg
    from django.db import close_old_connections

    from bss.models import Delivery

    load, stuck = Load(channel, args.orders, args.rate), set()
    with psycopg.connect(os.environ["DATABASE_URL"]) as session:
        while load.running():
            with session.transaction():
                locked = [row[0] for row in session.execute(
                    "SELECT id FROM service_ordering_activationjob WHERE state = 'pendingExternal' "
                    "AND platform = 'access_controller' AND NOT (id = ANY(%s)) FOR UPDATE", [list(stuck)])]
                stuck.update(locked)
                time.sleep(args.callback_stuck_seconds if locked else 0.5)
    answers = load.wait()
    orders = [a["id"] for a in answers if a.get("id")]
    drain = wait_terminal(orders, args.drain_timeout)  # here: the retries' count is read once they ran
    close_old_connections()
    timed_out = Delivery.objects.filter(target=CALLBACK, last_error__contains="statement timeout").count()
    checks = [(f"{len(stuck)} callbacks held {args.callback_stuck_seconds:.0f} s; {timed_out} answered with the "
               f"statement timeout ({args.callback_timeout_ms} ms), rolled back and retried", timed_out > 0)]
    drained = f"{drain:.0f} s" if drain is not None else "timed out"
    return Fault(f"{len(stuck)} callbacks stuck on a row lock (drain from the load's end: {drained})", answers,
                 checks)


def duplicates(system, channel, args):
    body = channel.body()
    with ThreadPoolExecutor(max_workers=20) as pool:
        by_external_id = list(pool.map(lambda _: channel.post(body), range(args.duplicates)))
        key = uuid.uuid4().hex
        keyed = [channel.body() for _ in range(args.duplicates)]  # different bodies' externalIds: the key wins
        for item in keyed:
            item.pop("externalId")
        by_key = list(pool.map(lambda b: channel.post(b, **{"Idempotency-Key": key}), keyed))
    checks = []
    for name, answers in (("externalId", by_external_id), ("Idempotency-Key", by_key)):
        ids = {answer.get("id") for answer in answers}
        codes = Counter(answer["status"] for answer in answers)
        checks.append((f"{args.duplicates} POSTs with one {name}: one order named by every answer "
                       f"(answers {dict(codes)})", len(ids) == 1 and None not in ids))
    return Fault(f"2 × {args.duplicates} concurrent POSTs", by_external_id[:1] + by_key[:1], checks)


SCENARIOS = {"pool-kill": pool_kill, "master-kill": master_kill, "duplicates": duplicates, "redis": redis_outage,
             "pg-restart-fast": pg_restart("fast"), "pg-restart-immediate": pg_restart("immediate"),
             "listener-down": listener_down, "callback-timeout": callback_timeout}


def row(name, fault, drain, settled, ledger):
    answers, checks = fault["answers"], fault["checks"]
    accepted = [a["id"] for a in answers if a["status"] == 201]
    refused = Counter(str(a["status"]) for a in answers if a["status"] != 201 and a.get("id") is None)
    wrong = {status for status in refused if status not in {str(s) for s in fault["refusals"]}}
    holds = (not wrong and drain is not None and ledger["orders"] == Counter({"completed": len(set(accepted))})
             and set(ledger["services"]) <= {"active"} and set(ledger["products"]) <= {"active"}
             and ledger["network twice"] == 0 and ledger["undelivered"] == 0 and ledger["missing"] == 0
             and ledger["sent after ack"] == 0 and ledger["out of order"] == 0 and all(ok for _, ok in checks))
    return {"scenario": name, "fault": fault["fault"], "POSTs": len(answers), "201": len(accepted),
            "other answers": dict(refused) or "-", "drain s": f"{drain:.0f}" if drain is not None else "timed out",
            "notified s": f"{settled:.0f}" if settled is not None else "timed out",
            "orders": dict(ledger["orders"]), "services": dict(ledger["services"]),
            "products": dict(ledger["products"]),
            "network ops applied / twice": f"{ledger['network applied']} / {ledger['network twice']}",
            "events / missing / twice after ack / out of order": f"{ledger['events']} / {ledger['missing']} / "
                                                                  f"{ledger['sent after ack']} / {ledger['out of order']}",
            "re-sent, 2xx unrecorded": ledger["resent unacked"],
            "checks": "; ".join(f"{text}: {'yes' if ok else 'NO'}" for text, ok in checks) or "-",
            "holds": "yes" if holds else "NO"}


def table(rows):
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(r[c]).replace("|", "/") for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=500, help="orders per load scenario")
    parser.add_argument("--rate", type=float, default=3.0, help="orders/s offered")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--pool-kills", type=int, default=100)
    parser.add_argument("--master-kills", type=int, default=10)
    parser.add_argument("--redis-down", type=float, default=30.0, help="seconds Redis stays stopped")
    parser.add_argument("--pg-down-check", type=float, default=20.0,
                        help="seconds the API is probed after pg_ctl restart returned")
    parser.add_argument("--listener-blip-seconds", type=float, default=20.0,
                        help="the short listener outage, within the hub's retries")
    parser.add_argument("--listener-down-seconds", type=float, default=600.0,
                        help="the long listener outage, past the hub's attempt limit")
    parser.add_argument("--hub-backoff-base", type=float, default=0.5, help="BSS_HUB_BACKOFF_BASE for the run")
    parser.add_argument("--hub-max-attempts", type=int, default=10, help="BSS_HUB_MAX_ATTEMPTS for the run")
    parser.add_argument("--callback-stuck-seconds", type=float, default=6.0,
                        help="how long each access-controller callback's job row stays locked")
    parser.add_argument("--callback-timeout-ms", type=int, default=2000,
                        help="BSS_CALLBACK_STATEMENT_TIMEOUT_MS for the run")
    parser.add_argument("--duplicates", type=int, default=100)
    parser.add_argument("--worker-concurrency", type=int, default=4)
    parser.add_argument("--drain-timeout", type=float, default=900.0)
    parser.add_argument("--no-write", action="store_true", help="do not write docs/reliability.md")
    args = parser.parse_args()
    faulthandler.register(signal.SIGUSR1)  # kill -USR1 <pid>: where a run that seems stuck is
    names = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; choose from {sorted(SCENARIOS)}")

    system = System(args)
    rows = []
    try:
        system.start()
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
        import django

        django.setup()
        channel = Channel(system)
        for name in names:
            say(f"{name}: running")
            fault = SCENARIOS[name](system, channel, args)
            accepted = list({a["id"] for a in fault["answers"] if a.get("id")})
            drain = wait_terminal(accepted, args.drain_timeout)
            settled = wait_settled(channel, accepted, args.drain_timeout)  # the last notifications
            if system.restarted:  # exits the supervisor restarted during this scenario
                fault["fault"] += "; exited and restarted: " + ", ".join(
                    f"{process} {n}×" for process, n in sorted(system.restarted.items()))
                system.restarted.clear()
            rows.append(row(name, fault, drain, settled, books(channel, accepted, fault["resent"])))
            say(f"{name}: {rows[-1]}")
    finally:
        system.stop()
    output = table(rows)
    print(output)
    command = "python bench/chaos.py " + " ".join(sys.argv[1:])
    if not args.no_write:
        section = (f"\n## Run of {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC\n\n`{command}`\n\n{output}\n")
        path = ROOT / "docs" / "reliability.md"
        text = path.read_text() if path.exists() else "# Reliability under fault\n"
        path.write_text(text + section)
    return 0 if all(r["holds"] == "yes" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
