"""TMF638 events; the payload is the same for all of them (docs/contracts.md)."""
SERVICE_CREATE = "ServiceCreateEvent"
SERVICE_STATE_CHANGE = "ServiceStateChangeEvent"
SERVICE_ATTRIBUTE_VALUE_CHANGE = "ServiceAttributeValueChangeEvent"
SERVICE_DELETE = "ServiceDeleteEvent"
API = "tmf638"
RESOURCE_TYPE = "service"


def service_payload(service, **extra) -> dict:
    """extra: `changed` (the attribute names) on ServiceAttributeValueChangeEvent and `had_started` (ran
    before this change) on ServiceStateChangeEvent, so subscribers pick theirs."""
    return {"service_id": str(service.pk), "state": service.state, "operating_status": service.operating_status,
            "spec_id": service.spec_id, "family": service.family, **extra}
