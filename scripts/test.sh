#!/usr/bin/env bash
# `make test`: embedded test services, import contracts, the whole pytest suite (every marker), then
# the TM Forum conformance kits against a live server when ../shared/tools/tmf-ctk is present.
# Arguments go to pytest. DATABASE_URL / REDIS_URL in the environment switch to external servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=.venv/bin/python
VAR=var/test
CTK=../shared/tools/tmf-ctk
QUEUES=orders,activation,notifications,reconcile,default
mkdir -p "$VAR"

# On exit, whatever the outcome: stop the live server and worker of the conformance stage, then the
# embedded services this run started (ones that were already running stay up). Quietly, so that the
# last line printed stays pytest's or tmf-ctk's summary.
BSS_DEVSERVICES_STARTED=""
live_pids=()
cleanup() {
  local pid i
  # As in scripts/run.py: SIGTERM to the main process (Celery's warm shutdown), SIGKILL to the group.
  for pid in "${live_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${live_pids[@]}"; do
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [ -n "$BSS_DEVSERVICES_STARTED" ]; then
    $PY scripts/devservices.py down --profile test $BSS_DEVSERVICES_STARTED || true
  fi
}
trap cleanup EXIT

# 1. Services. An assignment keeps `set -e` working, which `eval "$(...)"` alone would not.
service_env=$($PY scripts/devservices.py up --profile test)
eval "$service_env"
export DJANGO_SETTINGS_MODULE=config.settings.test

# 2. Browser tests drive Debian's chromium; without it they skip with a reason.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium with apt-get for the browser tests (once; log in $VAR/apt-chromium.log)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
        >"$VAR/apt-chromium.log" 2>&1; then
      echo "WARNING: chromium could not be installed (see $VAR/apt-chromium.log); browser tests will skip"
    fi
  else
    echo "WARNING: /usr/bin/chromium is missing (as root: apt-get install chromium); browser tests will skip"
  fi
fi

# 3. Layering contracts: scripts/import_contracts.py (writes the contracts for the apps that exist and
# runs lint-imports) when the project has it, else lint-imports on a committed .importlinter.
if [ -f scripts/import_contracts.py ]; then
  $PY scripts/import_contracts.py
else
  .venv/bin/lint-imports
fi

# 3b. The run path as a newcomer meets it: pip check of every requirement set, the README's `make run` on a venv
# of requirements/local.txt alone (one order end to end, Ctrl-C, a second start), the production recipe's
# processes on requirements/production.txt. Venvs cached by the requirements' hash (scripts/newcomer.py).
$PY scripts/newcomer.py

# Decide on the conformance stage now, so that its skip message does not come after pytest's summary.
ctk_apis=""
if [ ! -e "$CTK" ]; then
  echo "conformance stage skipped: ../shared/tools/tmf-ctk not found"
else
  ctk_apis=$($PY manage.py implemented_apis --ctk)
  [ -n "$ctk_apis" ] || echo "conformance stage skipped: manage.py implemented_apis --ctk lists no API"
fi

# 4. The whole suite.
status=0
$PY -m pytest "$@" || status=$?
if [ "$status" = 5 ]; then
  echo "no tests collected"
  exit 1
fi
[ "$status" = 0 ] || exit "$status"
[ -n "$ctk_apis" ] || exit 0

# 5. Conformance: a live server and worker on a fresh database `bss_ctk` (and their own Redis db),
# demo data, a channel token, then the official kits.
eval "$($PY scripts/devservices.py scratch --profile test bss_ctk)"
export PROMETHEUS_MULTIPROC_DIR="$VAR/ctk-prometheus"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo
rm -f "$VAR"/ctk-*.json
port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base_url="http://127.0.0.1:$port"

# setsid: each in its own process group, so that cleanup stops a worker together with its pool.
setsid $PY manage.py runserver "127.0.0.1:$port" --noreload >"$VAR/ctk-web.log" 2>&1 &
live_pids+=($!)
setsid .venv/bin/celery -A config worker -Q "$QUEUES" -l INFO --concurrency 2 -n "ctk@%h" \
  >"$VAR/ctk-worker.log" 2>&1 &
live_pids+=($!)
if ! $PY scripts/devservices.py wait-http "$base_url/health/ready" --timeout 60; then
  tail -n 40 "$VAR/ctk-web.log"
  exit 1
fi
token() { $PY manage.py issue_token "$1" | tail -n 1; }


# `implemented_apis --ctk` names the APIs (TMFnnn), each line optionally with the OAuth client whose
# token the kits use (demo-channel by default). The kits run once per client.
declare -A apis_of=()
while read -r line; do
  client=demo-channel apis=""
  for word in $line; do
    if [[ "$word" == TMF* ]]; then apis+="$word "; else client=$word; fi
  done
  [ -z "$apis" ] || apis_of[$client]+=$apis
done <<<"$ctk_apis"
status=0
for client in "${!apis_of[@]}"; do
  client_token=$(token "$client")
  # tmf-ctk is stdlib-only Python: the venv's python runs it without needing python3 on PATH.
  # shellcheck disable=SC2086  # one word per API
  $PY "$CTK" "$base_url" ${apis_of[$client]} --token="$client_token" --json "$VAR/ctk-$client.json" \
    || status=1
done
[ "$status" = 0 ] || echo "conformance failed; live server logs: $VAR/ctk-web.log $VAR/ctk-worker.log"

# API fuzzing (schemathesis over every per-API schema, stateful phase included), after the kits so its data cannot
# disturb them. Its summary: one line per API (cases, failures, links covered) and the total.
# It writes everywhere, so it runs as the conformance client.
if [ -f scripts/fuzz.sh ]; then
  bash scripts/fuzz.sh "$base_url" "$(token conformance-lab)" >"$VAR/fuzz.log" 2>&1 || {
    status=1; tail -n 80 "$VAR/fuzz.log"; echo "fuzzing failed; full log: $VAR/fuzz.log"; }
  grep -E "^fuzz: .*(cases|failures)=" "$VAR/fuzz.log" || true
fi
# The last line is the kits' total, in tmf-ctk's own format.
$PY - "$VAR"/ctk-*.json <<'EOF'
import json, os, sys
results = [result for path in sys.argv[1:] if os.path.exists(path) for result in json.load(open(path))]
print("%d passed, %d failed" % (sum(r.get("passed", 0) for r in results), sum(r.get("failed", 0) for r in results)))
EOF
exit "$status"
