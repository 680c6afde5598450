#!/usr/bin/env python
"""The system `bench/e2e.py` measures: `make run`'s services and data, but gunicorn instead of runserver.

    python bench/serve.py [--web-workers 3] [--worker-concurrency 2] [--worker-sets 1]

Same embedded PostgreSQL/Redis (or DATABASE_URL/REDIS_URL), migrations and demo data as `make run`; the web
server is gunicorn (what production runs), plus a Celery worker and beat. Ctrl-C stops everything.
--worker-sets N starts N Celery workers, each its own master and pool on all queues, as N worker hosts would be."""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import run  # noqa: E402 - scripts/run.py: services, migrations, demo data, supervision


def configure(web_workers: int = 3, worker_concurrency: int = 4, worker_sets: int = 1) -> dict:
    """run.CHILDREN turned into this system's commands (bench/chaos.py starts the same ones itself)."""
    run.CHILDREN["web"] = [str(run.BIN / "gunicorn"), "config.wsgi", "-b", f"{run.HOST}:{run.PORT}",
                           "-w", str(web_workers), "--log-level", "warning"]
    worker = run.CHILDREN["worker"]
    worker[worker.index("--concurrency") + 1] = str(worker_concurrency)
    worker[worker.index("-l") + 1] = "WARNING"
    for n in range(2, worker_sets + 1):  # another host's worker: same command, its own node name
        other = list(worker)
        other[other.index("-n") + 1] = f"worker{n}@%h"
        run.CHILDREN[f"worker{n}"] = other
    return run.CHILDREN


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--worker-concurrency", type=int, default=2)  # = cores: see docs/adr/0005
    parser.add_argument("--worker-sets", type=int, default=1)
    args = parser.parse_args()
    configure(args.web_workers, args.worker_concurrency, args.worker_sets)
    return run.main()


if __name__ == "__main__":
    sys.exit(main())
