"""Activators: how each service family is built on the network, as an ordered list of steps.

A step is one idempotent call on one platform. The item's state machine runs the steps one job at a time;
compensation undoes finished steps in reverse order. Adding a family = one entry here (plus, when it needs a
new platform, an adapter in apps.network)."""
from dataclasses import dataclass, field

from apps.network.choices import Platform

ALLOCATE = "$allocate"  # the platform picks the value (port, address, number, serial)
PLACE = "place_id"  # the ordered place (a geographic address id), as COM decomposes it into every service
SERVING_ELEMENT = "serving_element"  # the element to take the access port at (named, or found from the place)


@dataclass(frozen=True)
class Step:
    name: str
    platform: str
    fixed: dict = field(default_factory=dict)  # parameters every run sends
    configures: bool = False  # also sends the ordered characteristics, mapped by the spec's config_template
    resource: str = ""  # TMF638 supportingResource type this step creates (named by its first fixed value)
    takes: tuple[str, ...] = ()  # ordered characteristics sent as they are, even by a step that does not configure


@dataclass(frozen=True)
class PlannedStep:
    phase: str
    name: str
    platform: str
    operation: str  # apply | remove
    params: dict


@dataclass(frozen=True)
class Activator:
    family: str
    steps: tuple[Step, ...]

    def configured_params(self, step: Step, *, characteristics: dict, config_template: dict) -> dict:
        params = dict(step.fixed)
        params.update({name: characteristics[name] for name in step.takes if name in characteristics})
        if step.configures:
            params.update({config_template.get(name, name): value for name, value in characteristics.items()})
        return params

    def plan(self, *, action: str, characteristics: dict, config_template: dict) -> list[PlannedStep]:
        """The do-steps of an item, by action: add builds all, modify re-applies configuration, delete removes."""
        if action == "add":
            steps = self.steps
        elif action == "modify":
            steps = tuple(step for step in self.steps if step.configures)
        elif action == "delete":
            platforms = list(dict.fromkeys(step.platform for step in reversed(self.steps)))
            return [PlannedStep("do", f"remove_{platform}", platform, "remove", {}) for platform in platforms]
        else:
            return []
        return [PlannedStep("do", step.name, step.platform, "apply",
                            self.configured_params(step, characteristics=characteristics,
                                                   config_template=config_template))
                for step in steps]

    def takes(self, name: str) -> bool:
        return any(name in step.takes for step in self.steps)

    def step_named(self, name: str) -> Step | None:
        return next((step for step in self.steps if step.name == name), None)


ACTIVATORS = {activator.family: activator for activator in (
    Activator("fibre_access", (
        # At the serving element named by the order, when it names one: the port then counts against capacity.
        Step("reserve_port", Platform.ACCESS_CONTROLLER, {"access_port": ALLOCATE}, resource="AccessPort",
             takes=(SERVING_ELEMENT,)),
        Step("configure_olt", Platform.ACCESS_CONTROLLER, {"vlan_id": ALLOCATE}, configures=True),
        Step("activate_ont", Platform.ACCESS_CONTROLLER, {"ont_serial": ALLOCATE, "ont_state": "active"},
             resource="ONT"),
        Step("line_test", Platform.ACCESS_CONTROLLER, {"line_test": "passed"}),
    )),
    Activator("ip_address", (
        Step("allocate_ip", Platform.IPAM, {"ipv4_address": ALLOCATE}, resource="IPAddress"),
        Step("configure_routing", Platform.IPAM, {"routing": "static"}, configures=True),
    )),
    Activator("managed_cpe", (
        Step("register_cpe", Platform.CPE_MANAGER, {"cpe_serial": ALLOCATE}, resource="CPE"),
        Step("push_config", Platform.CPE_MANAGER, {"cpe_state": "managed"}, configures=True),
    )),
    Activator("iptv", (
        Step("create_subscriber", Platform.IPTV_PLATFORM, {"iptv_subscriber": ALLOCATE}, resource="IPTVAccount"),
        Step("entitle_channels", Platform.IPTV_PLATFORM, {"entitlement": "active"}, configures=True),
    )),
    Activator("voip", (
        Step("allocate_number", Platform.VOIP_SOFTSWITCH, {"phone_number": ALLOCATE}, resource="PhoneNumber"),
        Step("configure_sip", Platform.VOIP_SOFTSWITCH, {"sip_account": ALLOCATE}, configures=True),
    )),
    Activator("mobile", (
        Step("provision_subscriber", Platform.MOBILE_CORE, {"msisdn": ALLOCATE, "imsi": ALLOCATE}, resource="SIM"),
        Step("activate_sim", Platform.MOBILE_CORE, {"sim_state": "active"}, configures=True),
    )),
)}


def activator_for(*, activation: dict) -> Activator | None:
    """The spec's activation metadata names the activator (or at least the family)."""
    return ACTIVATORS.get(activation.get("activator") or "") or ACTIVATORS.get(activation.get("family") or "")
