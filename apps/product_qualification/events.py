"""TMF679 event names; every event carries the qualification's id and its owner (the channel)."""
CREATE = "ProductOfferingQualificationCreateEvent"
STATE_CHANGE = "ProductOfferingQualificationStateChangeEvent"
DELETE = "ProductOfferingQualificationDeleteEvent"


def payload(task) -> dict:
    return {"qualification_id": str(task.pk), "state": task.state, "qualification_result": task.qualification_result,
            "error": task.error}
