#!/usr/bin/env python
"""What the stack's smallest units of work cost on this machine, before any of our own logic.

    python bench/floor.py [--repeat 2000]

The order flow is built of a few kinds of unit: an ORM statement, a transaction that locks a row and writes it with
its transition-log row, a Celery task hop, an authenticated DRF request. This bench runs each of them `--repeat`
times on the project's own stack (Django ORM on psycopg 3 with the settings' prepared statements, Celery on Redis,
DRF with django-oauth-toolkit) and prints the CPU each costs: this process's (time.process_time) and its PostgreSQL
backend's (utime + stime from /proc/<pg_backend_pid()>/stat, so PostgreSQL must run on this host). Dividing
issue 15's budget of 40 ms per order by these figures bounds how many such units an order may have.

It writes only rows of its own (transition-log rows with transition "bench-floor", removed at the end) and publishes
only to a queue no worker consumes ("bench-floor", purged at the end). Point DATABASE_URL and REDIS_URL at a
migrated database with the demo data (`make run`'s, or `scripts/devservices.py up --profile run` and
`manage.py seed_demo`)."""
import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bss.models import TransitionLog  # noqa: E402
from config.celery_app import app  # noqa: E402

MARK = "bench-floor"
QUEUE = "bench-floor"
ORDERS = "/tmf-api/productOrderingManagement/v4/productOrder"
TICKS = os.sysconf("SC_CLK_TCK")


@app.task(name="bench.floor.noop", ignore_result=True)
def noop(value):
    return value


def backend_cpu_seconds() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(name, unit, repeat):
    """Run `unit(i)` `repeat` times; print microseconds of CPU per run, ours and PostgreSQL's, and the statements
    one run sends (counted on a warm-up run, so the counting costs nothing in the timed ones)."""
    unit(-1)  # warm: connection, prepared statements, imports
    with CaptureQueriesContext(connection) as sent:
        unit(-2)
    statements = len(sent.captured_queries)
    ours, theirs, wall = time.process_time(), backend_cpu_seconds(), time.perf_counter()
    for i in range(repeat):
        unit(i)
    ours = (time.process_time() - ours) / repeat * 1e6
    theirs = (backend_cpu_seconds() - theirs) / repeat * 1e6
    wall = (time.perf_counter() - wall) / repeat * 1e6
    print(f"{name:<56} {statements:>10} {ours:>9.0f} {theirs:>9.0f} {ours + theirs:>9.0f} {wall:>9.0f}")
    return ours + theirs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    repeat = args.repeat

    content_type = ContentType.objects.get_for_model(TransitionLog)

    def row(i):
        return TransitionLog(content_type=content_type, object_id=f"{MARK}-{i}", transition=MARK,
                             source_state="a", target_state="b", actor="bench", reason="")

    subject = row(0)
    subject.save()
    pk = subject.pk
    token = io.StringIO()
    call_command("issue_token", "demo-channel", stdout=token)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token.getvalue().split()[-1]}")
    answer = client.get(ORDERS, {"limit": 1})
    if answer.status_code != 200:  # a refusal is cheaper than the request the floor is meant to cost
        sys.exit(f"{ORDERS} answered {answer.status_code}: is the demo data there (manage.py seed_demo)?")

    def locked_write(i):
        with transaction.atomic():
            locked = TransitionLog.objects.select_for_update().get(pk=pk)
            locked.reason = str(i)
            locked.save(update_fields=["reason"])
            row(i).save()

    def locked_write_raw(i):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id, reason FROM bss_transitionlog WHERE id = %s FOR UPDATE", [pk])
            cursor.execute("UPDATE bss_transitionlog SET reason = %s WHERE id = %s", [str(i), pk])
            cursor.execute("INSERT INTO bss_transitionlog (content_type_id, object_id, transition, source_state, "
                           "target_state, actor, reason, correlation_id, at) VALUES (%s, %s, %s, 'a', 'b', 'bench', "
                           "'', '', now())", [content_type.pk, f"{MARK}-{i}", MARK])

    print(f"repeat {repeat}. CPU µs per unit: this process's + its PostgreSQL backend's. Wall µs per unit. "
          "Statements: what one unit sends, BEGIN/COMMIT included.")
    print(f"{'unit':<56} {'statements':>10} {'ours':>9} {'postgres':>9} {'total':>9} {'wall':>9}")
    try:
        measure("ORM read by key (autocommit)", lambda i: TransitionLog.objects.get(pk=pk), repeat)
        measure("ORM update by key (autocommit)",
                lambda i: TransitionLog.objects.filter(pk=pk).update(reason=str(i)), repeat)
        measure("ORM insert (autocommit)", lambda i: row(i).save(), repeat)
        unit = measure("ORM unit: BEGIN, lock, update, log row, COMMIT", locked_write, repeat)
        measure("the same unit in raw SQL", locked_write_raw, repeat)
        hop = measure("Celery publish (send_task to Redis)",
                      lambda i: app.send_task("bench.floor.noop", args=[i], queue=QUEUE), repeat)
        trace = measure("Celery task run in process (apply: tracer, signals)", lambda i: noop.apply(args=[i]),
                        repeat)
        web = measure("DRF GET productOrder?limit=1, OAuth token, no socket",
                      lambda i: client.get(ORDERS, {"limit": 1}),
                      max(repeat // 10, 50))
    finally:
        TransitionLog.objects.filter(transition=MARK).delete()
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(QUEUE)
    budget = 40_000
    print("\nissue 15's budget of 40 ms per order holds at most, with nothing else in the order:")
    print(f"  {budget / unit:.0f} ORM units (lock, update, log row),")
    print(f"  {budget / (unit + hop + trace):.0f} ORM units that each arrive by a Celery task (publish + run; the "
          "broker's consume side not counted),")
    print(f"  {budget / web:.0f} authenticated DRF requests.")


if __name__ == "__main__":
    main()
