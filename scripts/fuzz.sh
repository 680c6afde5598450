#!/usr/bin/env bash
# Property-based fuzzing of every served TMF API from its own OpenAPI schema (schemathesis):
# no 5xx, and every response matches the schema. Bounded examples per operation so `make test` stays fast.
# Usage: scripts/fuzz.sh BASE_URL TOKEN
set -euo pipefail
base=${1:?base url}
token=${2:?token}
cd "$(dirname "$0")/.."
status=0
while read -r code path; do
  [ -n "$code" ] || continue
  echo "fuzz: $code $path"
  .venv/bin/st run "$base${path}openapi.json" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples "${FUZZ_EXAMPLES:-10}" --seed 42 --max-time "${FUZZ_SECONDS:-90}" \
    --request-timeout 10 --warnings off || status=1
done < <(.venv/bin/python manage.py implemented_apis)
exit $status
