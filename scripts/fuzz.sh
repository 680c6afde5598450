#!/usr/bin/env bash
# Property-based fuzzing of every served TMF API from its own OpenAPI schema (schemathesis), by phase:
# examples, coverage, fuzzing and stateful (call chains along the schemas' links from each create to the object
# it made, bss/api/schema.py add_create_links). Checks: no 5xx, and every response matches the schema.
# Prints the cases run per API and in total; an API that ran no case fails.
#
#   scripts/fuzz.sh BASE_URL TOKEN          `make test`: every API, examples + fuzzing + stateful, FUZZ_SECONDS (45) each
#   scripts/fuzz.sh BASE_URL TOKEN --deep   `make fuzz-deep`: the v4 APIs (FUZZ_V5=1: the v5 ones too), each to the
#                                           end of FUZZ_EXAMPLES (100) examples per operation and phase, no time
#                                           budget; fails when fewer than FUZZ_MIN_CASES (10000) ran in total
# FUZZ_SEED (42) makes a run repeatable; FUZZ_APIS (an extended regex of codes, e.g. 'V5$') narrows the APIs.
set -euo pipefail
base=${1:?base url}
token=${2:?token}
mode=${3:-}
cd "$(dirname "$0")/.."
if [ "$mode" = --deep ]; then
  budget=(--max-examples "${FUZZ_EXAMPLES:-100}" --phases examples,coverage,fuzzing,stateful)
  min_cases=${FUZZ_MIN_CASES:-10000}
else
  # --max-time: schemathesis shares it out among the phases and repeats fuzzing and stateful until it is spent.
  # No coverage phase here: on a loaded 2-core machine it spent the whole budget of 15 s on 2 operations
  # (2 cases per API); the deep mode runs it.
  budget=(--max-examples "${FUZZ_EXAMPLES:-10}" --max-time "${FUZZ_SECONDS:-45}" --phases examples,fuzzing,stateful)
  min_cases=0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0 total=0 failures=0 apis=0 started=$SECONDS
while read -r code path; do
  [ -n "$code" ] || continue
  if [ "$mode" = --deep ] && [[ "$code" == *-V5 ]] && [ -z "${FUZZ_V5:-}" ]; then continue; fi
  if [ -n "${FUZZ_APIS:-}" ] && ! grep -qE "$FUZZ_APIS" <<<"$code"; then continue; fi
  echo "fuzz: $code $path"
  api_started=$SECONDS
  api_status=0
  .venv/bin/st run "$base${path}openapi.json" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,response_schema_conformance \
    "${budget[@]}" --seed "${FUZZ_SEED:-42}" \
    --request-timeout 10 --warnings off --no-color | tee "$log" || api_status=$?
  # The summary's own figures: "Test cases:" then "  N generated, N passed" or "  N generated, M found K unique
  # failures" (failures= is K); "API Links: C covered / S selected / T total" for the stateful phase.
  cases=$(awk '/^Test cases:/ { getline; print $1 + 0; exit }' "$log")
  found=$(awk '/^Test cases:/ { getline; for (i = 1; i < NF; i++) if ($(i + 1) == "unique") { print $i + 0; exit } }' "$log")
  links=$(sed -n 's/^ *API Links: *\([0-9]*\) covered \/ [0-9]* selected \/ \([0-9]*\) total.*/\1\/\2/p' "$log" | tail -n 1)
  cases=${cases:-0} found=${found:-0}
  [ "$api_status" = 0 ] || { status=1; [ "$found" != 0 ] || found="error (exit $api_status)"; }
  # An API that ran no case tested nothing: a failure, not a pass (a phase can eat the whole time budget).
  [ "$cases" -gt 0 ] || { status=1; found="no cases ran"; }
  echo "fuzz: $code cases=$cases failures=$found links_covered=${links:-none} seconds=$((SECONDS - api_started))"
  total=$((total + cases)) apis=$((apis + 1))
  [[ "$found" =~ ^[0-9]+$ ]] && failures=$((failures + found)) || failures=$((failures + 1))
done < <(.venv/bin/python manage.py implemented_apis)
echo "fuzz: total apis=$apis cases=$total failures=$failures seconds=$((SECONDS - started))"
if [ "$total" -lt "$min_cases" ]; then
  echo "fuzz: only $total cases ran, fewer than FUZZ_MIN_CASES=$min_cases"
  status=1
fi
exit $status
