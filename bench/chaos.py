#!/usr/bin/env python
"""Chaos run against the live system (not part of `make test`): faults injected under load, then the books.

    python bench/chaos.py [--orders 500] [--rate 3] [--scenarios pool-kill,master-kill,redis,duplicates]
                          [--pool-kills 100] [--master-kills 10] [--redis-down 30] [--no-write]

Starts the bench/serve.py system itself (gunicorn, Celery worker, beat) on the run profile's embedded
PostgreSQL/Redis (BSS_PG_PORT, BSS_REDIS_PORT, PORT are honoured) with a fresh database `bss_chaos`, so that it
can kill and restart the worker. Each scenario posts Business Fiber orders through TMF622 as demo-channel
while a TMF622 hub listener of its own records every notification, injects its fault during the load, waits
for the orders to end and checks the books: every accepted order terminal and completed, its products active
(TMF637) and its services active (TMF638), each network change applied exactly once (the simulator's
operations per service, platform and kind), every event delivered to the listener, once, in order per order.
Prints one table and writes it to docs/reliability.md with the date and the command."""
import argparse
import json
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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

ORDERING = "/tmf-api/productOrderingManagement/v4/productOrder"
HUB = "/tmf-api/productOrderingManagement/v4/hub"
CATALOG = "/tmf-api/productCatalogManagement/v4/productOffering"
OFFERING = "Business Fiber 1 Gbps"
ENDED = {"completed", "failed", "partial", "cancelled", "rejected"}
LOGS = ROOT / "var" / "chaos"


def say(message):
    print(f"chaos | {message}", flush=True)


class System:
    """The serve.py processes, supervised here so that the worker can be killed and started again."""

    def __init__(self, worker_concurrency):
        self.profile = devservices.profile("run")
        self.commands = serve.configure(web_workers=3, worker_concurrency=worker_concurrency)
        self.children = {}
        self.started = []
        self.base_url = f"http://127.0.0.1:{os.environ['PORT']}"

    def start(self):
        LOGS.mkdir(parents=True, exist_ok=True)
        if devservices.http_ok(f"{self.base_url}/health/live"):  # e.g. left by a run killed from outside
            raise SystemExit(f"{self.base_url} already answers: stop that system or choose another PORT")
        self.started = devservices.up(self.profile)
        urls = devservices.scratch(self.profile, "bss_chaos")
        self.env = {**run.child_env(self.profile), **urls,
                    # Shortened so a listener outage and the dead-letter limit fit in a run.
                    "BSS_HUB_BACKOFF_BASE": "0.5", "BSS_HUB_MAX_ATTEMPTS": "10", "LOG_LEVEL": "WARNING"}
        os.environ.update(urls)
        for step in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=self.env, check=True,
                           stdout=subprocess.DEVNULL)
        for name in self.commands:
            self.spawn(name)
        deadline = time.monotonic() + 60
        while not devservices.http_ok(f"{self.base_url}/health/ready"):
            if time.monotonic() > deadline:
                raise SystemExit("the system did not get ready; see var/chaos/*.log")
            time.sleep(0.5)

    def spawn(self, name):
        log = open(LOGS / f"{name}.log", "ab")
        self.children[name] = subprocess.Popen(self.commands[name], cwd=ROOT, env=self.env, process_group=0,
                                               stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

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
        if up:
            devservices.up(self.profile)
        else:
            devservices.down(self.profile, ["redis"])

    def stop(self):
        run.stop_children(self.children)
        devservices.down(self.profile, self.started)


class Recorder:
    """The channel's hub listener: every envelope, in arrival order, acknowledged with 201."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                envelope = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                order = (envelope.get("event") or {}).get("productOrder") or {}
                with recorder.lock:
                    recorder.received.append((envelope.get("eventId"), order.get("id")))
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/listener"


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
        self.recorder = Recorder()
        response = requests.post(self.base_url + HUB, json={"callback": self.recorder.url}, headers=self.headers,
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
        order_id = response.json().get("id") if response.status_code in (200, 201) else None
        return {"status": response.status_code, "id": order_id, "seconds": time.perf_counter() - started}

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


def books(channel, order_ids):
    """What the scenario's orders left behind, counted from the database and the listener."""
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
    with channel.recorder.lock:
        received = [(event, order) for event, order in channel.recorder.received if event in emitted]
    counts = Counter(event for event, _ in received)
    arrival = defaultdict(list)
    for event, _ in received:
        if counts[event] == 1:
            arrival[emitted[event][0]].append(emitted[event][1])
    return {"orders": orders, "services": services, "products": products, "network twice": twice,
            "network applied": applied, "service count": len(service_ids),
            "events": len(emitted), "undelivered": sum(n for s, n in states.items() if s != "delivered"),
            "missing": len(set(emitted) - set(counts)), "duplicated": sum(1 for n in counts.values() if n > 1),
            "out of order": sum(1 for times in arrival.values() if times != sorted(times))}


# --- scenarios: each returns (faults injected, answers, extra notes, extra checks that must hold) -------------

def pool_kill(system, channel, args):
    answers, kills = [], 0
    loader = threading.Thread(target=lambda: answers.extend(channel.load(args.orders, args.rate)))
    loader.start()
    interval = args.orders / args.rate / max(1, args.pool_kills)
    while loader.is_alive() and kills < args.pool_kills:
        time.sleep(interval)
        kills += system.kill_pool_child()
    loader.join()
    return f"{kills} × kill -9 of a pool child", answers, "", []


def master_kill(system, channel, args):
    answers, kills = [], 0
    loader = threading.Thread(target=lambda: answers.extend(channel.load(args.orders, args.rate)))
    loader.start()
    interval = args.orders / args.rate / max(1, args.master_kills)
    while loader.is_alive() and kills < args.master_kills:
        time.sleep(interval)
        system.kill_and_restart_worker()
        kills += 1
    loader.join()
    return f"{kills} × kill -9 of the worker master, restarted", answers, "", []


def redis_outage(system, channel, args):
    answers = []
    loader = threading.Thread(target=lambda: answers.extend(channel.load(args.orders, args.rate)))
    loader.start()
    time.sleep(min(5, args.orders / args.rate / 4))
    system.redis(up=False)
    down_at = time.monotonic()
    time.sleep(args.redis_down)
    system.redis(up=True)
    loader.join()
    return f"Redis stopped {time.monotonic() - down_at:.0f} s", answers, "drain measured from Redis back", []


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
    return f"2 × {args.duplicates} concurrent POSTs", by_external_id[:1] + by_key[:1], "", checks


SCENARIOS = {"pool-kill": pool_kill, "master-kill": master_kill, "duplicates": duplicates, "redis": redis_outage}


def row(name, fault, answers, drain, ledger, checks):
    accepted = [a["id"] for a in answers if a["status"] == 201]
    refused = Counter(str(a["status"]) for a in answers if a["status"] != 201 and a.get("id") is None)
    holds = (not refused and drain is not None and ledger["orders"] == Counter({"completed": len(set(accepted))})
             and set(ledger["services"]) <= {"active"} and set(ledger["products"]) <= {"active"}
             and ledger["network twice"] == 0 and ledger["undelivered"] == 0 and ledger["missing"] == 0
             and ledger["duplicated"] == 0 and ledger["out of order"] == 0 and all(ok for _, ok in checks))
    return {"scenario": name, "fault": fault, "POSTs": len(answers), "201": len(accepted),
            "other answers": dict(refused) or "-", "drain s": f"{drain:.0f}" if drain is not None else "timed out",
            "orders": dict(ledger["orders"]), "services": dict(ledger["services"]),
            "products": dict(ledger["products"]),
            "network ops applied / twice": f"{ledger['network applied']} / {ledger['network twice']}",
            "events / missing / dup / out of order": f"{ledger['events']} / {ledger['missing']} / "
                                                      f"{ledger['duplicated']} / {ledger['out of order']}",
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
    parser.add_argument("--duplicates", type=int, default=100)
    parser.add_argument("--worker-concurrency", type=int, default=4)
    parser.add_argument("--drain-timeout", type=float, default=900.0)
    parser.add_argument("--no-write", action="store_true", help="do not write docs/reliability.md")
    args = parser.parse_args()
    names = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; choose from {sorted(SCENARIOS)}")

    system = System(args.worker_concurrency)
    rows = []
    try:
        system.start()
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
        import django

        django.setup()
        channel = Channel(system)
        for name in names:
            say(f"{name}: running")
            fault, answers, note, checks = SCENARIOS[name](system, channel, args)
            accepted = list({a["id"] for a in answers if a.get("id")})
            drain = wait_terminal(accepted, args.drain_timeout)
            time.sleep(3)  # the last notifications of the last orders
            rows.append(row(name, fault, answers, drain, books(channel, accepted), checks))
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
