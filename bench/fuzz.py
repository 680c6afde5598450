#!/usr/bin/env python
"""Deep API fuzzing against the live system (`make fuzz-deep`; `make chaos` runs it after bench/chaos.py).

    python bench/fuzz.py [--v5] [--apis REGEX] [--examples 100] [--min-cases 10000]

Starts the bench/serve.py system (gunicorn, Celery worker, beat) on the run profile's embedded PostgreSQL/Redis
(BSS_PG_PORT, BSS_REDIS_PORT, PORT are honoured) with a fresh database `bss_fuzz` and the demo data, then runs
`scripts/fuzz.sh BASE_URL TOKEN --deep` as the conformance client (it writes everywhere): every phase of
schemathesis, stateful included, over the nine v4 APIs (and the v5 ones with --v5), checks not_a_server_error
and response_schema_conformance. Prints the cases run per API and in total; exits 1 on any failure or when fewer
than --min-cases ran."""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "bench")]

import devservices  # noqa: E402
import run  # noqa: E402
import serve  # noqa: E402

LOGS = ROOT / "var" / "fuzz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--v5", action="store_true", help="fuzz the v5 APIs too")
    parser.add_argument("--apis", default="", help="only the API codes matching this extended regex (e.g. 'V5$')")
    parser.add_argument("--examples", type=int, default=100, help="examples per operation and phase")
    parser.add_argument("--min-cases", type=int, default=10000, help="fail when fewer cases ran in total")
    args = parser.parse_args()

    profile = devservices.profile("run")
    base_url = f"http://{run.HOST}:{run.PORT}"
    if devservices.http_ok(f"{base_url}/health/live"):
        raise SystemExit(f"{base_url} already answers: stop that system or choose another PORT")
    started = devservices.up(profile)
    children = {}
    try:
        env = {**run.child_env(profile), **devservices.scratch(profile, "bss_fuzz"), "LOG_LEVEL": "WARNING"}
        for step in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        LOGS.mkdir(parents=True, exist_ok=True)
        for name, command in serve.configure(web_workers=3, worker_concurrency=2).items():
            children[name] = subprocess.Popen(command, cwd=ROOT, env=env, process_group=0, stdin=subprocess.DEVNULL,
                                              stdout=open(LOGS / f"{name}.log", "wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not devservices.http_ok(f"{base_url}/health/ready"):
            if time.monotonic() > deadline:
                raise SystemExit(f"the system did not get ready; see {LOGS}/*.log")
            time.sleep(0.5)
        token = subprocess.check_output([sys.executable, "manage.py", "issue_token", "conformance-lab"], cwd=ROOT,
                                        env=env, text=True).strip().splitlines()[-1]
        fuzz_env = {**env, "FUZZ_EXAMPLES": str(args.examples), "FUZZ_MIN_CASES": str(args.min_cases),
                    "FUZZ_APIS": args.apis, **({"FUZZ_V5": "1"} if args.v5 else {})}
        return subprocess.run(["bash", "scripts/fuzz.sh", base_url, token, "--deep"], cwd=ROOT, env=fuzz_env).returncode
    finally:
        run.stop_children(children)
        devservices.down(profile, started)


if __name__ == "__main__":
    sys.exit(main())
