"""Fallout events: cases are resources other contexts (and the console) may follow."""
FALLOUT_CASE_CREATE = "FalloutCaseCreateEvent"
FALLOUT_CASE_STATE_CHANGE = "FalloutCaseStateChangeEvent"
RESOURCE_TYPE = "falloutCase"


def fallout_case_payload(case, *, actor: str = "") -> dict:
    """actor: who moved the case ("system" when the failed work later succeeded); COM tells an operator's
    resolve or cancel (giving up on the work) from the system's resolution by it."""
    return {"actor": actor, "resolution": case.resolution, "fallout_case_id": str(case.pk), "state": case.state, "source": case.source, "kind": case.kind,
            "subject": case.subject, "assignee": case.assignee, "last_action": case.last_action,
            "product_order_id": case.product_order_id, "service_order_id": case.service_order_id,
            "item_key": case.item_key, "service_id": case.service_id}
