from .choices import Platform
from .models import NetworkOperation, ObservedConfig, SimulatorPlatform


def observed_config_read(*, platform: str, service_id: str) -> dict | None:
    row = ObservedConfig.objects.filter(platform=platform, service_id=service_id).first()
    return {"config": row.config, "status": row.status} if row else None


def observed_configs_for_service(*, service_id: str) -> dict[str, dict]:
    """{platform: {"config", "status"}} for every platform that runs something for the service."""
    return {row.platform: {"config": row.config, "status": row.status}
            for row in ObservedConfig.objects.filter(service_id=service_id)}


def network_operation_count(*, service_id: str | None = None, idempotency_key: str | None = None) -> int:
    rows = NetworkOperation.objects.all()
    if service_id is not None:
        rows = rows.filter(service_id=service_id)
    if idempotency_key is not None:
        rows = rows.filter(idempotency_key=idempotency_key)
    return rows.count()


def simulator_status() -> list[dict]:
    known = {row.platform: row for row in SimulatorPlatform.objects.all()}
    status = []
    for platform in Platform.values:
        row = known.get(platform) or SimulatorPlatform(platform=platform, **SimulatorPlatform.defaults_for(platform))
        status.append({"platform": platform, "latency_ms": row.latency_ms, "error_rate": row.error_rate,
                       "timeout_rate": row.timeout_rate, "reject_rate": row.reject_rate,
                       "async_completion": row.async_completion,
                       "services": ObservedConfig.objects.filter(platform=platform).count()})
    return status


def observed_configs_page(*, platform: str, after: str = "", upto: str | None = None,
                          limit: int = 2000) -> list[tuple[str, dict, str]]:
    """(service_id, config, status) with after < service_id <= upto, in service-id order, at most `limit`:
    a keyset page, so reconciliation reads a platform in flat memory whatever its size."""
    rows = ObservedConfig.objects.filter(platform=platform, service_id__gt=after)
    if upto is not None:
        rows = rows.filter(service_id__lte=upto)
    return list(rows.order_by("service_id").values_list("service_id", "config", "status")[:limit])
