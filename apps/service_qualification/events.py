"""TMF645 event names; every event carries the qualification's id and its owner (the channel)."""
CHECK_CREATE = "CheckServiceQualificationCreateEvent"
CHECK_STATE_CHANGE = "CheckServiceQualificationStateChangeEvent"
CHECK_DELETE = "CheckServiceQualificationDeleteEvent"
QUERY_CREATE = "QueryServiceQualificationCreateEvent"
QUERY_STATE_CHANGE = "QueryServiceQualificationStateChangeEvent"


def payload(task) -> dict:
    return {"qualification_id": str(task.pk), "state": task.state,
            "qualification_result": getattr(task, "qualification_result", ""), "error": task.error}
