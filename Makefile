# The two commands a fresh machine with only Python 3.11 needs:
#   make run    the whole back office (web, Celery worker and beat) on embedded PostgreSQL and Redis
#   make test   import contracts, the whole pytest suite, then the TMF conformance kits
# DATABASE_URL / REDIS_URL in the environment switch both to external servers.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: run test schemas services services-down chaos fuzz-deep

run: install-local
	$(PY) scripts/run.py

test: install-test
	bash scripts/test.sh $(PYTEST_ARGS)

# Faults under load against the live system, then the books (bench/chaos.py; not part of `make test`), then the
# deep fuzzing (fuzz-deep), which runs even when a chaos row does not hold; the target fails if either did.
# Own ports so it never clashes with `make run`; CHAOS_ARGS narrows it (e.g. --orders 100 --scenarios pool-kill).
chaos: install-local
	BSS_PG_PORT=$${BSS_PG_PORT:-55500} BSS_REDIS_PORT=$${BSS_REDIS_PORT:-63500} PORT=$${PORT:-8050} \
	  $(PY) bench/chaos.py $(CHAOS_ARGS); status=$$?; \
	  $(MAKE) --no-print-directory fuzz-deep || status=1; exit $$status

# schemathesis at depth over the live system: >= 10,000 cases over the nine v4 APIs, cases per API and in total
# printed (bench/fuzz.py; FUZZ_ARGS e.g. --v5 for the v5 APIs too, --examples 200).
fuzz-deep: install-test
	BSS_PG_PORT=$${BSS_PG_PORT:-55500} BSS_REDIS_PORT=$${BSS_REDIS_PORT:-63500} PORT=$${PORT:-8050} \
	  $(PY) bench/fuzz.py $(FUZZ_ARGS)

# Settings see the same service URLs as `make run`; nothing is started.
schemas: install-local
	eval "$$($(PY) scripts/devservices.py env)" && $(PY) manage.py export_schemas

# Start (or reuse) the embedded services of `make run` and print their export lines.
services: install-local
	@$(PY) scripts/devservices.py up --profile run

services-down: install-local
	@$(PY) scripts/devservices.py down --profile run

# install-local / install-test: the venv plus requirements/<name>.txt. The stamp's name hashes the
# chosen file together with every requirements file (they include each other with -r), so an
# unchanged set skips pip entirely and any edit reinstalls.
install-%:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@stamp=$(VENV)/.installed-$$({ echo $*; cat requirements/*.txt; } | sha256sum | cut -c1-16); \
	if [ ! -f $$stamp ]; then \
	  echo "installing requirements/$*.txt into $(VENV)"; \
	  $(PY) -m pip install -q --disable-pip-version-check -r requirements/$*.txt && touch $$stamp; \
	fi
