"""Which repair activation is asked for, per kind of drift (activation's repair workflows do the work):
- config → reapply the recorded values that differ;   - missing → restore the whole recorded configuration;
- degraded → retry_degraded (re-apply, escalated by activation when the platform stays degraded);
- orphan of a terminated service → remove_orphan; orphan attributable to a known spec → adopt into TMF638;
  anything else → None: flagged to an operator."""
from dataclasses import dataclass

from apps.service_ordering.choices import RepairKind
from apps.service_ordering.repair import repair_attribution

from . import sources
from .choices import DriftKind


@dataclass(frozen=True)
class RepairPlan:
    kind: str
    params: dict


def repair_plan(drift) -> RepairPlan | None:
    """How to repair this drift, or None when it is not ours to repair."""
    service = sources.service_facts(service_id=drift.service_id)
    if drift.kind == DriftKind.ORPHAN:
        if service is not None:
            return RepairPlan(RepairKind.REMOVE_ORPHAN, {}) if service["state"] == "terminated" else None
        spec = repair_attribution(service_id=drift.service_id, platform=drift.platform, config=drift.observed or {})
        return RepairPlan(RepairKind.ADOPT, spec) if spec else None
    if service is None or service["state"] != "active":
        return None
    if drift.kind == DriftKind.CONFIG:
        return RepairPlan(RepairKind.REAPPLY, drift.expected or {})
    kind = RepairKind.RESTORE if drift.kind == DriftKind.MISSING else RepairKind.RETRY_DEGRADED
    return RepairPlan(kind, service["characteristics"] or {})
