"""What reconciliation compares, read through the owners' selectors in bounded batches.

TMF638 through apps.service_inventory.selectors, the network through apps.network.selectors, platforms of a
family through activation's activators (the steps say which platforms build a family)."""
import uuid
from collections.abc import Iterator

from apps.network import selectors as network_selectors
from apps.service_inventory import selectors as inventory_selectors

SERVICE_FIELDS = ("pk", "state", "characteristics", "operating_status", "family")


def platforms_of(family: str) -> list[str]:
    from apps.service_ordering.activators import ACTIVATORS

    activator = ACTIVATORS.get(family)
    return list(dict.fromkeys(step.platform for step in activator.steps)) if activator else []


def _as_dict(row) -> dict:
    pk, state, characteristics, operating_status, family = row
    return {"id": str(pk), "state": state, "characteristics": characteristics,
            "operating_status": operating_status, "family": family}


def service_facts(*, service_id: str) -> dict | None:
    service = inventory_selectors.service_get(service_id=service_id)
    return _as_dict([getattr(service, name) for name in SERVICE_FIELDS]) if service else None


def service_pages(*, family: str, batch: int) -> Iterator[list[dict]]:
    """Every TMF638 service of the family, `batch` at a time, by keyset on the id: memory stays flat."""
    rows = inventory_selectors.service_list().filter(family=family).order_by("pk")
    after = None
    while True:
        page = list((rows.filter(pk__gt=after) if after else rows).values_list(*SERVICE_FIELDS)[:batch])
        if not page:
            return
        after = page[-1][0]
        yield [_as_dict(row) for row in page]


def live_service_ids(*, service_ids: list[str]) -> set[str]:
    """Which of these ids TMF638 knows and has not terminated."""
    valid = [sid for sid in service_ids if _is_uuid(sid)]
    if not valid:
        return set()
    return {str(pk) for pk in inventory_selectors.service_list().filter(pk__in=valid)
            .exclude(state="terminated").values_list("pk", flat=True)}


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False


class ObservedRanges:
    """What one platform runs, read range by range in service-id order during one pass.

    Each range is one or a few indexed keyset reads (`observed_configs_page`), so memory stays flat."""

    def __init__(self, *, platform: str, batch: int):
        self.platform, self.batch = platform, batch

    def read(self, *, after: str, upto: str | None) -> dict[str, dict]:
        """{service_id: {"config", "status"}} with after < service_id <= upto (no upper bound when None)."""
        found = {}
        while True:
            page = network_selectors.observed_configs_page(platform=self.platform, after=after, upto=upto,
                                                           limit=self.batch)
            found.update({service_id: {"config": config, "status": status} for service_id, config, status in page})
            if len(page) < self.batch:
                return found
            after = page[-1][0]


def observed_for_service(*, service_id: str) -> dict[str, dict]:
    return network_selectors.observed_configs_for_service(service_id=service_id)
