"""Helpers for activation tests: cached service specs and a synchronous driver (what the worker would do)."""
from apps.network.choices import OperationState
from apps.network.models import NetworkOperation
from apps.network.services import network_operation_complete
from apps.service_ordering.choices import JobState, OrderState
from apps.service_ordering.models import ActivationJob, ServiceOrder
from apps.service_ordering.services import activation_job_run, service_order_start, service_spec_cache_store
from bss.testing import outbox_drain

FAMILIES = ("fibre_access", "ip_address", "managed_cpe", "iptv", "voip", "mobile")
CONFIG_TEMPLATES = {
    "fibre_access": {"downloadSpeed": "bw_down_mbps", "uploadSpeed": "bw_up_mbps"},
    "ip_address": {"ipVersion": "ip_version"},
    "managed_cpe": {"cpeModel": "cpe_model", "wifi": "wifi_enabled"},
    "iptv": {"channelPackage": "package"},
    "voip": {"lines": "line_count"},
    "mobile": {"dataAllowance": "data_gb"},
}


def spec_id(family: str) -> str:
    return f"spec-{family}"


def activation_metadata(family: str, version: str = "1.0") -> dict:
    return {"family": family, "activator": family, "name": f"{family} service", "version": version,
            "step_timeouts": {}, "reconcile_every_seconds": 300, "config_template": CONFIG_TEMPLATES[family],
            "is_cfs": False}


def cache_specs():
    """The local spec cache, warm for every family (as after an earlier fetch from the catalog)."""
    for family in FAMILIES:
        service_spec_cache_store(spec_id=spec_id(family), version="1.0", activation=activation_metadata(family))


def item(key: str, family: str, characteristics: dict | None = None, relies_on=(), action="add", service_id=None):
    return {"key": key, "action": action, "service_spec_id": spec_id(family), "service_spec_version": "1.0",
            "characteristics": characteristics or {}, "service_id": service_id, "relies_on": list(relies_on),
            "related_party_id": ""}


THREE_ITEMS = [
    item("fibre", "fibre_access", {"downloadSpeed": 1000, "uploadSpeed": 500}),
    item("ip", "ip_address", {"ipVersion": "v4"}, relies_on=["fibre"]),
    item("cpe", "managed_cpe", {"cpeModel": "FritzBox 7590", "wifi": True}, relies_on=["fibre"]),
]


def drive(max_rounds: int = 200) -> int:
    """Run, in this process and in order, what the worker and the platforms would do, until nothing moves."""
    rounds = 0
    for rounds in range(1, max_rounds + 1):
        moved = outbox_drain()
        for order_id in ServiceOrder.objects.filter(state=OrderState.ACKNOWLEDGED).values_list("pk", flat=True):
            service_order_start(service_order_id=order_id)
            moved += 1
        for job_id in ActivationJob.objects.filter(state=JobState.PENDING).values_list("pk", flat=True):
            if activation_job_run(job_id=job_id) != "skipped":
                moved += 1
        for operation_id in NetworkOperation.objects.filter(state=OperationState.PENDING).values_list("pk", flat=True):
            moved += network_operation_complete(operation_id=operation_id)
        if not moved:
            break
    return rounds
