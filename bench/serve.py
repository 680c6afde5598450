#!/usr/bin/env python
"""The system `bench/e2e.py` measures: `make run`'s services and data, but gunicorn instead of runserver.

    python bench/serve.py [--web-workers 3] [--worker-concurrency 2]

Same embedded PostgreSQL/Redis (or DATABASE_URL/REDIS_URL), migrations and demo data as `make run`; the web
server is gunicorn (what production runs), plus a Celery worker and beat. Ctrl-C stops everything."""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import run  # noqa: E402 - scripts/run.py: services, migrations, demo data, supervision


def configure(web_workers: int = 3, worker_concurrency: int = 4) -> dict:
    """run.CHILDREN turned into this system's commands (bench/chaos.py starts the same ones itself)."""
    run.CHILDREN["web"] = [str(run.BIN / "gunicorn"), "config.wsgi", "-b", f"{run.HOST}:{run.PORT}",
                           "-w", str(web_workers), "--log-level", "warning"]
    worker = run.CHILDREN["worker"]
    worker[worker.index("--concurrency") + 1] = str(worker_concurrency)
    worker[worker.index("-l") + 1] = "WARNING"
    return run.CHILDREN


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--worker-concurrency", type=int, default=2)  # = cores: see docs/adr/0005
    args = parser.parse_args()
    configure(args.web_workers, args.worker_concurrency)
    return run.main()


if __name__ == "__main__":
    sys.exit(main())
