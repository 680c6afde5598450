#!/usr/bin/env python
"""Give a database a grown operator's volume, for `bench/e2e.py`'s "same run over a full database" figure.

    DATABASE_URL=… python bench/volume.py --orders 1000000 [--services-per-order 3] [--clean]

Adds N completed product orders of the demo channel (one item each) and N × 3 services, with INSERT … SELECT over
generate_series (bench data only, never app code). Orders are built from a template instance of each model, so
every column gets the value the model would give it (defaults, JSON shapes); only ids, the channel's external ids
and the states vary. Services are bench/lists.py's rows under their own spec prefix ("bench-vol-"), in families
no reconciliation pass walks. `--clean` deletes what this script added. Then run bench/e2e.py against the same
database and compare with the empty database's rate."""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.utils import timezone  # noqa: E402

import lists  # noqa: E402 - bench/lists.py: the service rows and the demo channel

PREFIX = "bench-vol-"
ORDER_ID = f"md5('{PREFIX}' || g)::uuid"  # the order of row g, known to its item's row too
BATCH = 200_000


def template_insert(model, overrides: dict, start: int, stop: int, params: dict) -> None:
    """INSERT … SELECT rows g = start … stop-1 of `model`: each column as a fresh instance of the model holds it,
    except `overrides` (attname → SQL expression over g and %(name)s params)."""
    template = model()
    columns, values, row_params = [], [], dict(params, start=start, stop=stop)
    for field in model._meta.concrete_fields:
        if isinstance(field, models.AutoField) or (field.primary_key and field.attname not in overrides):
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in overrides:
            values.append(overrides[field.attname])
            continue
        value = getattr(template, field.attname)
        if value is None and not field.null and isinstance(field, models.DateTimeField):
            value = timezone.now()  # auto_now / auto_now_add, which only a save fills in
        row_params[f"c_{field.column}"] = field.get_db_prep_save(value, connection)
        values.append(f"%(c_{field.column})s")
    sql = (f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
           f"SELECT {', '.join(values)} FROM generate_series(%(start)s, %(stop)s - 1) AS g")
    with connection.cursor() as cursor:
        cursor.execute(sql, row_params)


def seed(orders: int, services_per_order: int, owner_party_id: str) -> None:
    order_model = apps.get_model("product_ordering", "ProductOrder")
    item_model = apps.get_model("product_ordering", "ProductOrderItem")
    params = {"owner": owner_party_id, "prefix": PREFIX}
    for start in range(0, orders, BATCH):
        stop = min(orders, start + BATCH)
        template_insert(order_model, {"id": ORDER_ID, "owner_id": "%(owner)s::uuid", "state": "'completed'",
                                      "external_id": "%(prefix)s || g"}, start, stop, params)
        template_insert(item_model, {"order_id": ORDER_ID, "item_id": "'1'", "action": "'add'",
                                     "state": "'completed'", "offering_name": "%(prefix)s || 'offering'"},
                        start, stop, params)
        print(f"  orders {stop}/{orders}", flush=True)
    lists.seed(orders * services_per_order, owner_party_id, spec=PREFIX)
    with connection.cursor() as cursor:
        for table in ("product_ordering_productorder", "product_ordering_productorderitem",
                      "service_inventory_service"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def clean() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM product_ordering_productorderitem WHERE offering_name = %s", [PREFIX + "offering"])
        cursor.execute("DELETE FROM product_ordering_productorder WHERE external_id LIKE %s", [PREFIX + "%"])
        cursor.execute("DELETE FROM service_inventory_service WHERE spec_id LIKE %s", [PREFIX + "%"])


def counts() -> str:
    with connection.cursor() as cursor:
        found = []
        for table in ("product_ordering_productorder", "service_inventory_service"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            found.append(f"{table} {cursor.fetchone()[0]}")
    return ", ".join(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--services-per-order", type=int, default=3)
    parser.add_argument("--clean", action="store_true", help="delete the rows this script added, and stop")
    args = parser.parse_args()
    connection.ensure_connection()
    connection.connection.autocommit = True  # VACUUM cannot run in a transaction block
    if args.clean:
        clean()
    else:
        started = time.monotonic()
        seed(args.orders, args.services_per_order, str(lists.demo_channel().party_id))
        print(f"seeded {args.orders} orders and {args.orders * args.services_per_order} services "
              f"in {time.monotonic() - started:.0f}s")
    print(counts())
    return 0


if __name__ == "__main__":
    sys.exit(main())
