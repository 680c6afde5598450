"""The southbound port: one adapter per platform, all with the same interface.

Activation calls `adapter_for(platform).apply(...)`; which implementation answers is configuration
(settings.BSS_NETWORK_ADAPTERS = {platform: "dotted.path.Class"}), the built-in simulator by default.
See docs/network-adapters.md for writing a real one."""
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

DONE = "done"  # applied; `response` holds what the platform now runs for that call
PENDING = "pending"  # accepted; a NetworkOperationCompletedEvent with the same idempotency key follows
ERROR = "error"  # not applied (or unknown): `transient` says whether retrying may help


@dataclass(frozen=True)
class Result:
    outcome: str
    response: dict = field(default_factory=dict)
    error: str = ""
    transient: bool = True
    maybe_applied: bool = False  # no answer (timeout): the change may have happened

    @property
    def request_response(self) -> dict:
        return {"outcome": self.outcome, "response": self.response, "error": self.error,
                "maybe_applied": self.maybe_applied}


class PlatformAdapter:
    """Every call carries an idempotency key: the same key twice must never change the network twice."""

    platform: str = ""

    def apply(self, *, idempotency_key: str, service_id: str, params: dict) -> Result:
        """Set these parameters for the service (values "$allocate" ask the platform to choose one)."""
        raise NotImplementedError

    def remove(self, *, idempotency_key: str, service_id: str, params: dict) -> Result:
        """Remove `params["keys"]` from the service's configuration, or all of it when no keys are given."""
        raise NotImplementedError

    def read(self, *, service_id: str) -> dict | None:
        """What the platform runs for the service: {"config": {...}, "status": "ok|degraded"}, None if nothing."""
        raise NotImplementedError

    def capacity(self, *, element: str) -> dict | None:
        """Access ports at a serving element: {"element", "platform", "total_ports", "used_ports", "free_ports"},
        None when the platform does not know the element or reports no capacity (then nothing is limited)."""
        return None


class SimulatorAdapter(PlatformAdapter):
    def __init__(self, platform: str):
        self.platform = platform

    def apply(self, *, idempotency_key, service_id, params):
        from .services import simulator_call

        return simulator_call(platform=self.platform, kind="apply", idempotency_key=idempotency_key,
                              service_id=service_id, params=params)

    def remove(self, *, idempotency_key, service_id, params):
        from .services import simulator_call

        return simulator_call(platform=self.platform, kind="remove", idempotency_key=idempotency_key,
                              service_id=service_id, params=params)

    def read(self, *, service_id):
        from .selectors import observed_config_read

        return observed_config_read(platform=self.platform, service_id=service_id)

    def capacity(self, *, element):
        from .selectors import simulator_element_capacity

        return simulator_element_capacity(element=element, platform=self.platform)


def adapter_for(platform: str) -> PlatformAdapter:
    configured = getattr(settings, "BSS_NETWORK_ADAPTERS", {}).get(platform)
    return import_string(configured)(platform) if configured else SimulatorAdapter(platform)
