"""The comparison itself: pure, so the batch pass, the event path and the tests share one definition."""
from dataclasses import dataclass

from .choices import DriftKind

# TMF638 states in which the network must run the service as recorded.
EXPECTED_RUNNING = ("active",)
ENDED = ("terminated",)


@dataclass(frozen=True)
class Finding:
    kind: str
    platform: str
    expected: dict | None
    observed: dict | None


def config_diff(expected: dict, observed: dict) -> list[str]:
    """Names whose recorded value the network does not run (absent counts as different)."""
    return sorted(name for name, value in expected.items() if observed.get(name, _ABSENT) != value)


_ABSENT = object()


def runs_as_recorded(*, state: str, characteristics: dict | None, observed: list[tuple[dict, str] | None]) -> bool:
    """The common case of a pass, decided without building anything: an active service that every platform
    (`observed`: one (config, status) or None per platform) runs exactly as recorded and healthy. False only
    means "look closer" (findings_for decides)."""
    return state in EXPECTED_RUNNING and all(
        running is not None and running[0] == characteristics and running[1] != DriftKind.DEGRADED
        for running in observed)


def findings_for(*, service: dict | None, platform: str, observed: dict | None) -> list[Finding]:
    """service: {"state", "characteristics"} from TMF638, or None when unknown there;
    observed: {"config", "status"} from the network, or None when it runs nothing on this platform."""
    if service is None or service["state"] in ENDED:
        return [Finding(DriftKind.ORPHAN, platform, None, observed["config"])] if observed else []
    if service["state"] not in EXPECTED_RUNNING:
        return []  # still being built or taken down: activation owns it for now
    expected = service["characteristics"] or {}
    if observed is None:
        return [Finding(DriftKind.MISSING, platform, expected, None)]
    if observed["config"] == expected and observed["status"] != DriftKind.DEGRADED:
        return []  # the common case, decided by one dict comparison
    findings = []
    differing = config_diff(expected, observed["config"])
    if differing:
        findings.append(Finding(DriftKind.CONFIG, platform, {name: expected[name] for name in differing},
                                {name: observed["config"].get(name) for name in differing}))
    if observed["status"] == DriftKind.DEGRADED:
        findings.append(Finding(DriftKind.DEGRADED, platform, {"status": "ok"}, {"status": observed["status"]}))
    return findings
