import logging

from django.db.models import Count

from .adapters import adapter_for
from .choices import Platform
from .models import NetworkOperation, ObservedConfig, ServingElement, SimulatorPlatform

logger = logging.getLogger(__name__)


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
    elements = {}
    for row in _elements_with_usage():
        elements.setdefault(row.platform, []).append(_capacity(row))
    status = []
    for platform in Platform.values:
        row = known.get(platform) or SimulatorPlatform(platform=platform, **SimulatorPlatform.defaults_for(platform))
        status.append({"platform": platform, "latency_ms": row.latency_ms, "error_rate": row.error_rate,
                       "timeout_rate": row.timeout_rate, "reject_rate": row.reject_rate,
                       "async_completion": row.async_completion,
                       "services": ObservedConfig.objects.filter(platform=platform).count(),
                       "serving_elements": elements.get(platform, [])})
    return status


def observed_configs_page(*, platform: str, after: str = "", upto: str | None = None,
                          limit: int = 2000) -> list[tuple[str, dict, str]]:
    """(service_id, config, status) with after < service_id <= upto, in service-id order, at most `limit`:
    a keyset page, so reconciliation reads a platform in flat memory whatever its size."""
    rows = ObservedConfig.objects.filter(platform=platform, service_id__gt=after)
    if upto is not None:
        rows = rows.filter(service_id__lte=upto)
    return list(rows.order_by("service_id").values_list("service_id", "config", "status")[:limit])


# --- capacity: access ports at serving elements ----------------------------------------------------------

def serving_element_capacity(*, element: str, platform: str = Platform.ACCESS_CONTROLLER) -> dict | None:
    """Ports at a serving element as its platform's adapter reports them (see PlatformAdapter.capacity):
    {"element", "platform", "total_ports", "used_ports", "free_ports"}, or None when unknown."""
    try:
        return adapter_for(platform).capacity(element=element)
    except Exception:  # noqa: BLE001 - an unreachable platform must not fail a qualification: unknown capacity
        logger.exception("capacity read failed", extra={"platform": platform, "element": element})
        return None


def simulator_element_capacity(*, element: str, platform: str = Platform.ACCESS_CONTROLLER) -> dict | None:
    """The simulator's own answer: its port table."""
    row = _elements_with_usage().filter(code=element, platform=platform).first()
    return _capacity(row) if row else None


def _elements_with_usage():
    return ServingElement.objects.annotate(used_ports=Count("allocations")).order_by("code")


def _capacity(row: ServingElement) -> dict:
    return {"element": row.code, "platform": row.platform, "total_ports": row.total_ports,
            "used_ports": row.used_ports, "free_ports": max(row.total_ports - row.used_ports, 0)}
