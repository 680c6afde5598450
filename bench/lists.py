#!/usr/bin/env python
"""Filtered TMF638 lists over many services: latency and SQL statements per request, by page size.

    python bench/lists.py [--services 100000] [--limits 10,100,500] [--requests 30] [--keep] [--reuse]

Seeds N services owned by the demo channel (`manage.py seed_demo` first) with one INSERT … SELECT over
generate_series (seeding bench data only, never app code): states ≈ 70 % active, 10 % inactive, 10 % reserved,
10 % terminated; 4 families of their own ("bench-list-0…3": no reconciliation family, so the scheduled passes of a
running system do not walk them); 20 specifications; service dates spread over two years. Then, for each list and page
size, it times `--requests` GETs through Django's test client as demo-channel (the whole view: authentication,
filter, count, page, rendering; no HTTP socket) and prints p50/p95 and the statements each request ran (Django's
CaptureQueriesContext; the same for every request of a row). The bench rows (spec ids "bench-list-…") are deleted
afterwards unless --keep; --reuse skips seeding when they are already there.

Point DATABASE_URL at a migrated database (the run profile's works: its own rows are left alone). --services 1000000
takes about a minute to seed on the reference machine."""
import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PATH = "/tmf-api/serviceInventory/v4/service"
SPEC = "bench-list-"
LISTS = {
    "state=active": {"state": "active"},
    "serviceSpecification.id + state": {"serviceSpecification.id": f"{SPEC}7", "state": "inactive"},
    "family + serviceDate.gte": {"family": f"{SPEC}1", "serviceDate.gte": "2026-06-01T00:00:00Z"},
}

SEED = """
INSERT INTO service_inventory_service (
    id, at_type, at_base_type, at_schema_location, created_at, updated_at, name, description, category, service_type,
    spec_id, spec_version, spec_name, family, state, operating_status, service_date, start_mode,
    characteristics, supporting_resources, supporting_services, related_parties, order_items, places, features,
    notes, service_relationships, related_entities, owner_party_id)
SELECT gen_random_uuid(), 'Service', '', '', ts, ts, 'bench service ' || i, '', '', '',
    %(spec)s || (i %% 20), '1.0', 'bench spec ' || (i %% 20),
    'bench-list-' || (i %% 4),
    CASE WHEN i %% 10 < 7 THEN 'active' WHEN i %% 10 = 7 THEN 'inactive' WHEN i %% 10 = 8 THEN 'reserved'
         ELSE 'terminated' END,
    'ok', ts, '', jsonb_build_object('ipv4_address', '10.0.0.' || (i %% 250)), '[]', '[]', '[]', '[]', '[]', '[]',
    '[]', '[]', '[]', %(owner)s
FROM (SELECT i, timestamptz '2025-01-01' + (i %% 730) * interval '1 day' + (i %% 86400) * interval '1 second' AS ts
      FROM generate_series(%(start)s, %(stop)s - 1) AS i) AS rows
"""


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def demo_channel():
    client = apps.get_model("parties", "ApiClient").objects.select_related("application").filter(application__name="demo-channel").first()
    if client is None:
        sys.exit("no demo-channel: run manage.py seed_demo first")
    return client


def seeded() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM service_inventory_service WHERE spec_id LIKE %s", [SPEC + "%"])
        return cursor.fetchone()[0]


def seed(count: int, owner: str, batch: int = 200_000, spec: str = SPEC) -> float:
    started = time.monotonic()
    with connection.cursor() as cursor:
        for start in range(0, count, batch):
            cursor.execute(SEED, {"spec": spec, "owner": owner, "start": start, "stop": min(count, start + batch)})
        cursor.execute("ANALYZE service_inventory_service")
    return time.monotonic() - started


def clean() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM service_inventory_service WHERE spec_id LIKE %s", [SPEC + "%"])


def measure(client, params, requests):
    timings, statements, total = [], set(), None
    client.get(PATH, params)  # warm: first use of the connection and the view
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(PATH, params)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"GET {PATH} {params}: HTTP {response.status_code} {response.content[:300]!r}")
        statements.add(len(queries.captured_queries))
        total = response.headers.get("X-Total-Count")
        rows = len(json.loads(response.content))
    return timings, statements, total, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--limits", default="10,100,500")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="leave the bench rows for another run (--reuse)")
    parser.add_argument("--reuse", action="store_true", help="do not seed when bench rows are already there")
    args = parser.parse_args()

    from io import StringIO

    from django.core.management import call_command

    channel = demo_channel()
    out = StringIO()
    call_command("issue_token", "demo-channel", stdout=out)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip().splitlines()[-1]}")

    present = seeded()
    if not (args.reuse and present):
        clean()
        print(f"seeded {args.services} services in {seed(args.services, str(channel.party_id)):.1f}s")
    else:
        print(f"reusing {present} bench services")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM service_inventory_service")
            print(f"services in the table: {cursor.fetchone()[0]}")
        print(f"{'list':<34}{'limit':>6}{'rows':>6}{'X-Total-Count':>15}{'p50 ms':>9}{'p95 ms':>9}  statements")
        for name, params in LISTS.items():
            for limit in (int(value) for value in args.limits.split(",")):
                timings, statements, total, rows = measure(client, {**params, "limit": limit}, args.requests)
                print(f"{name:<34}{limit:>6}{rows:>6}{total:>15}{percentile(timings, .5):>9.1f}"
                      f"{percentile(timings, .95):>9.1f}  {','.join(map(str, sorted(statements)))}")
        print(f"(each row: {args.requests} requests after one warm-up)")
    finally:
        if not args.keep:
            clean()
    return 0


if __name__ == "__main__":
    sys.exit(main())
