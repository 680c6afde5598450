# The production image: docs/deploy.md. Every process runs one role of scripts/production.sh, the same commands
# the production stage of `make test` (scripts/newcomer.py) runs on requirements/production.txt.

# Build stage: the venv with the production requirement set and nothing else.
FROM python:3.11-slim AS build
RUN python -m venv /opt/venv
COPY requirements/ /tmp/requirements/
RUN /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements/production.txt

# Runtime stage: the venv, the code and its collected static files, run as an unprivileged user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PORT=8000 \
    BIND=0.0.0.0:8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
RUN groupadd --system bss && useradd --system --gid bss --home-dir /app --shell /usr/sbin/nologin bss
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=bss:bss . /app
RUN sh scripts/production.sh collectstatic && mkdir -p /tmp/prometheus && chown bss:bss /tmp/prometheus
USER bss
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["python", "scripts/healthcheck.py"]
CMD ["sh", "scripts/production.sh", "web"]
