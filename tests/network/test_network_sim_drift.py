"""`manage.py network_sim drift <service-id> --kind K`: the network changes exactly as the kind says, the change is
announced as a NetworkChangeEvent, and the command prints what the network now runs for that service."""
import json

import pytest
from django.core.management import CommandError, call_command

from apps.network.adapters import adapter_for
from apps.network.selectors import observed_configs_for_service
from bss.models import OutboxEvent

CONFIG = {"ipv4_address": "10.1.2.3", "routing": "static"}
HEALTHY = {"ipam": {"config": CONFIG, "status": "ok"}}

# kind → (extra arguments, what the network runs afterwards)
KINDS = {
    "config": ([], {"ipam": {"config": {"ipv4_address": "10.1.2.3-manual", "routing": "static"}, "status": "ok"}}),
    "missing": ([], {}),
    "degraded": ([], {"ipam": {"config": CONFIG, "status": "degraded"}}),
    "orphan": (["--platform", "cpe_manager"], {**HEALTHY, "cpe_manager": {"config": {"origin": "manual"},
                                                                            "status": "ok"}}),
}


def changes():
    return list(OutboxEvent.objects.filter(event_type="NetworkChangeEvent").values_list("resource_id", "payload"))


@pytest.mark.parametrize("kind", KINDS)
def test_drift_changes_the_network_as_its_kind_says_and_prints_it(db, capsys, kind):
    adapter_for("ipam").apply(idempotency_key="build", service_id="svc-cli", params=CONFIG)
    extra, after = KINDS[kind]
    capsys.readouterr()

    call_command("network_sim", "drift", "svc-cli", "--kind", kind, *extra)

    assert observed_configs_for_service(service_id="svc-cli") == after
    assert json.loads(capsys.readouterr().out) == {"service_id": "svc-cli", "kind": kind, "observed": after}
    platform = "cpe_manager" if kind == "orphan" else "ipam"
    assert changes() == [("svc-cli", {"service_id": "svc-cli", "platform": platform, "kind": kind})]


@pytest.mark.parametrize("kind", ["config", "missing", "degraded"])
def test_drift_of_a_service_the_network_does_not_run_is_refused_and_changes_nothing(db, capsys, kind):
    with pytest.raises(CommandError, match="the network runs nothing for service svc-none"):
        call_command("network_sim", "drift", "svc-none", "--kind", kind)

    assert observed_configs_for_service(service_id="svc-none") == {}
    assert capsys.readouterr().out == ""
    assert changes() == []


def test_drift_of_an_unknown_kind_is_refused_by_the_parser(db):
    adapter_for("ipam").apply(idempotency_key="build", service_id="svc-cli", params=CONFIG)

    with pytest.raises(CommandError):
        call_command("network_sim", "drift", "svc-cli", "--kind", "melted")

    assert observed_configs_for_service(service_id="svc-cli") == HEALTHY
    assert changes() == []


def test_heal_makes_a_degraded_service_healthy_again_and_says_so(db, capsys):
    adapter_for("ipam").apply(idempotency_key="build", service_id="svc-cli", params=CONFIG)
    call_command("network_sim", "drift", "svc-cli", "--kind", "degraded")
    capsys.readouterr()

    call_command("network_sim", "heal", "svc-cli")

    assert observed_configs_for_service(service_id="svc-cli") == HEALTHY
    assert json.loads(capsys.readouterr().out) == {"service_id": "svc-cli", "kind": "healed", "observed": HEALTHY}
    assert changes()[-1] == ("svc-cli", {"service_id": "svc-cli", "platform": "ipam", "kind": "healed"})


def test_heal_of_a_healthy_service_is_refused_and_changes_nothing(db, capsys):
    adapter_for("ipam").apply(idempotency_key="build", service_id="svc-cli", params=CONFIG)

    with pytest.raises(CommandError, match="the network reports nothing degraded for service svc-cli"):
        call_command("network_sim", "heal", "svc-cli")

    assert observed_configs_for_service(service_id="svc-cli") == HEALTHY
    assert (capsys.readouterr().out, changes()) == ("", [])
