#!/usr/bin/env python
"""Reconciliation throughput: seed N services of one family, then time one full pass over them.

    python bench/reconcile.py --services 1000000 [--drift-every 1000] [--batch 2000] [--keep]

Seeding bulk-inserts TMF638 services and the simulator's observed configuration (the same values, so the network
matches except every `--drift-every`-th service). No app offers a bulk-insert service, so this benchmark writes
the two tables directly (apps.get_model; seeding test data only, never app code). Then it runs
`reconcile_family` once, as the scheduled job does, and prints services checked per second and the peak resident
set during the pass (psutil; with --tracemalloc also the peak of Python allocations, from a second pass). Point DATABASE_URL at a
migrated scratch database: the bench rows (spec id "bench-ip") are deleted afterwards unless --keep.
The drift it finds is asked of activation as repair jobs (queued for a worker; none needs to run)."""
import argparse
import os
import sys
import threading
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

import psutil  # noqa: E402
from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402

FAMILY, PLATFORM, SPEC = "ip_address", "ipam", "bench-ip"


def config_of(index: int) -> dict:
    return {"ipv4_address": f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}", "routing": "static"}


def seed(count: int, drift_every: int, batch: int = 10_000) -> float:
    service_model = apps.get_model("service_inventory", "Service")
    observed_model = apps.get_model("network", "ObservedConfig")
    started = time.monotonic()
    for start in range(0, count, batch):
        indexes = range(start, min(start + batch, count))
        ids = [uuid.uuid4() for _ in indexes]
        service_model.objects.bulk_create([
            service_model(id=service_id, spec_id=SPEC, family=FAMILY, state="active", characteristics=config_of(i))
            for i, service_id in zip(indexes, ids)])
        observed_model.objects.bulk_create([
            observed_model(platform=PLATFORM, service_id=str(service_id),
                           config={**config_of(i), **({"routing": "bgp"} if drift_every and i % drift_every == 0
                                                     else {})})
            for i, service_id in zip(indexes, ids)])
    return time.monotonic() - started


def clean() -> None:
    service_model = apps.get_model("service_inventory", "Service")
    observed_model = apps.get_model("network", "ObservedConfig")
    drift_model = apps.get_model("reconciliation", "DriftRecord")
    repair_model = apps.get_model("service_ordering", "RepairJob")
    ids = service_model.objects.filter(spec_id=SPEC)
    with connection.cursor() as cursor:  # one statement each: deleting a million rows through the ORM is slow
        cursor.execute(f"DELETE FROM {observed_model._meta.db_table} WHERE service_id IN "
                       f"(SELECT id::text FROM {service_model._meta.db_table} WHERE spec_id = %s)", [SPEC])
        cursor.execute(f"DELETE FROM {repair_model._meta.db_table} WHERE requested_by IN "
                       f"(SELECT id::text FROM {drift_model._meta.db_table} WHERE family = %s)", [FAMILY])
        cursor.execute(f"DELETE FROM {drift_model._meta.db_table} WHERE family = %s", [FAMILY])
    ids.delete()


class RssSampler(threading.Thread):
    """The process's peak resident set while the `with` block runs (sampled every 20 ms)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.process = psutil.Process()
        self.before = self.peak = self.process.memory_info().rss
        self.running = threading.Event()

    def run(self):
        while self.running.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self):
        self.running.set()
        self.start()
        return self

    def __exit__(self, *exc):
        self.running.clear()
        self.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, required=True)
    parser.add_argument("--drift-every", type=int, default=0, help="make every n-th service drift (0: none)")
    parser.add_argument("--batch", type=int, help="services per page (default: BSS_RECONCILE_BATCH or 2000)")
    parser.add_argument("--keep", action="store_true", help="leave the seeded rows in place")
    parser.add_argument("--reuse", action="store_true", help="reuse rows a --keep run left (same --services)")
    parser.add_argument("--tracemalloc", action="store_true", help="also report the peak of Python allocations")
    args = parser.parse_args()

    from apps.reconciliation.services import reconcile_family

    seeded_before = apps.get_model("service_inventory", "Service").objects.filter(spec_id=SPEC).count()
    if not (args.reuse and seeded_before == args.services):
        clean()
        seeded = seed(args.services, args.drift_every)
        print(f"seeded {args.services} services + observed configs in {seeded:.1f} s")
    # Throughput is timed without tracemalloc (it slows allocation-heavy code several times); the resident set
    # is sampled meanwhile. --tracemalloc runs a second pass to report the peak of Python allocations.
    sampler = RssSampler()
    started = time.monotonic()
    with sampler:
        summary = reconcile_family(family=FAMILY, detected_by="manual", batch=args.batch)
    elapsed = time.monotonic() - started
    print(f"pass: {summary}")
    print(f"services checked per second: {summary['services_checked'] / elapsed:,.0f}")
    print(f"resident set: {sampler.before / 2**20:.0f} MiB before, peak {sampler.peak / 2**20:.0f} MiB during the pass")
    if args.tracemalloc:
        tracemalloc.start()
        reconcile_family(family=FAMILY, detected_by="manual", batch=args.batch)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python allocations during a second pass: {peak / 2**20:.1f} MiB")
    if not args.keep:
        clean()


if __name__ == "__main__":
    main()
