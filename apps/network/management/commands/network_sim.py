import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bss.errors import DomainError

from ... import selectors, services
from ...events import HEALED
from ...choices import DriftKind, FailureMode, Platform


class Command(BaseCommand):
    help = ("Drive the network simulator: inject failures, latency and drift (and heal it); size serving elements; "
            "reset; status.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        fail = sub.add_parser("fail", help="answer a share of calls with an error or a timeout")
        fail.add_argument("platform", choices=Platform.values)
        fail.add_argument("--rate", type=float, required=True)
        fail.add_argument("--mode", choices=FailureMode.values, default=FailureMode.ERROR)
        latency = sub.add_parser("latency", help="delay every call")
        latency.add_argument("platform", choices=Platform.values)
        latency.add_argument("ms", type=int)
        asynchronous = sub.add_parser("async", help="complete calls later by callback (on|off)")
        asynchronous.add_argument("platform", choices=Platform.values)
        asynchronous.add_argument("enabled", choices=["on", "off"])
        asynchronous.add_argument("--delay-ms", type=int)
        drift = sub.add_parser("drift", help="change the network behind the back office's back")
        drift.add_argument("service_id")
        drift.add_argument("--kind", choices=DriftKind.values, required=True)
        drift.add_argument("--platform", choices=Platform.values)
        heal = sub.add_parser("heal", help="a degraded service is healthy again (the fault went away)")
        heal.add_argument("service_id")
        heal.add_argument("--platform", choices=Platform.values)
        capacity = sub.add_parser("capacity", help="create or resize a serving element (its access ports)")
        capacity.add_argument("element", help="the element's code, as coverage names it (e.g. OLT-BER-01)")
        capacity.add_argument("--ports", type=int, required=True, help="total access ports")
        capacity.add_argument("--platform", choices=Platform.values, default=Platform.ACCESS_CONTROLLER)
        reset = sub.add_parser("reset", help="all platforms healthy again")
        reset.add_argument("--clear-state", action="store_true", help="also forget what the network runs")
        sub.add_parser("status", help="knobs, service counts and serving elements' ports per platform")

    def handle(self, *args, action, **options):
        if action != "status" and not settings.BSS_SIMULATOR_CONTROLS:
            # Production never drives its network from here unless a demo deployment asks for it.
            raise CommandError("the simulator's controls are off in this environment "
                               "(BSS_SIMULATOR_CONTROLS=1 turns them on: test and demo deployments only)")
        try:
            if action == "fail":
                services.network_sim_fail(platform=options["platform"], rate=options["rate"], mode=options["mode"])
            elif action == "latency":
                services.network_sim_latency(platform=options["platform"], milliseconds=options["ms"])
            elif action == "async":
                services.network_sim_async(platform=options["platform"], enabled=options["enabled"] == "on",
                                           delay_ms=options["delay_ms"])
            elif action == "drift":
                services.network_drift_inject(service_id=options["service_id"], kind=options["kind"],
                                              platform=options["platform"])
            elif action == "heal":
                services.network_drift_heal(service_id=options["service_id"], platform=options["platform"])
            elif action == "capacity":
                services.serving_element_capacity_set(element=options["element"], total_ports=options["ports"],
                                                      platform=options["platform"])
            elif action == "reset":
                services.network_sim_reset(clear_state=options["clear_state"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if action in ("drift", "heal"):
            # What changed is what the network now runs for that service (every platform), not the knobs.
            self.stdout.write(json.dumps({
                "service_id": options["service_id"], "kind": options.get("kind") or HEALED,
                "observed": selectors.observed_configs_for_service(service_id=options["service_id"])},
                indent=2, sort_keys=True))
        else:
            self.stdout.write(json.dumps(selectors.simulator_status(), indent=2))
