from apps.reconciliation.compare import Finding, findings_for

ACTIVE = {"state": "active", "characteristics": {"a": 1, "b": "x"}}


def test_matching_service_has_no_finding():
    assert findings_for(service=ACTIVE, platform="ipam", observed={"config": {"a": 1, "b": "x", "extra": 5},
                                                                    "status": "ok"}) == []


def test_config_differences_name_only_what_differs():
    found = findings_for(service=ACTIVE, platform="ipam", observed={"config": {"a": 2}, "status": "ok"})

    assert found == [Finding("config", "ipam", {"a": 1, "b": "x"}, {"a": 2, "b": None})]


def test_missing_when_the_network_runs_nothing():
    assert findings_for(service=ACTIVE, platform="ipam", observed=None) == [
        Finding("missing", "ipam", {"a": 1, "b": "x"}, None)]


def test_degraded_besides_config():
    found = findings_for(service=ACTIVE, platform="ipam", observed={"config": {"a": 1, "b": "x"}, "status": "degraded"})

    assert found == [Finding("degraded", "ipam", {"status": "ok"}, {"status": "degraded"})]


def test_orphan_when_unknown_or_terminated():
    observed = {"config": {"origin": "manual"}, "status": "ok"}

    assert findings_for(service=None, platform="ipam", observed=observed) == [
        Finding("orphan", "ipam", None, {"origin": "manual"})]
    assert findings_for(service={"state": "terminated", "characteristics": {}}, platform="ipam",
                        observed=observed) == [Finding("orphan", "ipam", None, {"origin": "manual"})]
    assert findings_for(service=None, platform="ipam", observed=None) == []


def test_services_being_built_are_left_to_activation():
    assert findings_for(service={"state": "reserved", "characteristics": {"a": 1}}, platform="ipam",
                        observed=None) == []
