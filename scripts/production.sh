#!/bin/sh
# The production processes, one role each: what compose.yaml's services and the Dockerfile run, and what the
# production stage of `make test` (scripts/newcomer.py) runs on the production requirement set.
#   scripts/production.sh collectstatic|check|migrate|web|worker-critical|worker-background|beat
# Reads the environment listed in docs/deploy.md; gunicorn, celery and python come from PATH (the image's venv).
set -eu
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.production}"
role=${1:?"role: collectstatic|check|migrate|web|worker-critical|worker-background|beat"}
case "$role" in
  # At image build time: no secrets and no database, so the base settings (same static configuration).
  collectstatic) DJANGO_SETTINGS_MODULE=config.settings.base exec python manage.py collectstatic --noinput -v0 ;;
  check) exec python manage.py check --deploy --fail-level WARNING ;;
  # One-shot job before a release's web and workers start: schema, then the catalog and staff groups
  # (idempotent; no well-known access unless BSS_DEMO_ACCESS=1, docs/deploy.md).
  migrate) python manage.py migrate --noinput && exec python manage.py seed_demo ;;
  web) exec gunicorn config.wsgi --bind "${BIND:-0.0.0.0:8000}" --workers "${WEB_CONCURRENCY:-3}" \
         --timeout 30 --graceful-timeout 20 --access-logfile - ;;
  # The queue groups of README's "Scaling out": scale each apart; beat stays exactly one.
  worker-critical) exec celery -A config worker -Q orders,activation,notifications \
         --concurrency "${WORKER_CONCURRENCY:-4}" -n "critical@%h" -l INFO ;;
  worker-background) exec celery -A config worker -Q reconcile,default \
         --concurrency "${WORKER_CONCURRENCY:-2}" -n "background@%h" -l INFO ;;
  beat) exec celery -A config beat -S django_celery_beat.schedulers:DatabaseScheduler --pidfile= -l INFO ;;
  *) echo "unknown role: $role" >&2; exit 2 ;;
esac
