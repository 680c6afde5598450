"""What reconciliation compares, read through the owners' selectors in bounded batches.

TMF638 through apps.service_inventory.selectors, the network through apps.network.selectors, platforms of a
family through activation's activators (the steps say which platforms build a family)."""
from collections.abc import Iterator

from django.db.models import TextField
from django.db.models.functions import Cast

from apps.network import selectors as network_selectors
from apps.service_inventory import selectors as inventory_selectors
from bss.models import is_entity_id

SERVICE_FIELDS = ("pk", "state", "characteristics", "operating_status", "family")


def platforms_of(family: str) -> list[str]:
    from apps.service_ordering.activators import ACTIVATORS

    activator = ACTIVATORS.get(family)
    return list(dict.fromkeys(step.platform for step in activator.steps)) if activator else []


def as_service(row) -> dict:
    """A service row (SERVICE_FIELDS order) as the comparison's {"id", "state", "characteristics", ...}."""
    pk, state, characteristics, operating_status, family = row
    return {"id": str(pk), "state": state, "characteristics": characteristics,
            "operating_status": operating_status, "family": family}


def service_facts(*, service_id: str) -> dict | None:
    service = inventory_selectors.service_get(service_id=service_id)
    return as_service([getattr(service, name) for name in SERVICE_FIELDS]) if service else None


def service_pages(*, family: str, batch: int) -> Iterator[list[tuple]]:
    """Every TMF638 service of the family, `batch` at a time, by keyset on the id: memory stays flat.

    Rows are value tuples in SERVICE_FIELDS order, the id already text (as the network keys it): a pass
    builds nothing per row unless the row needs a closer look (`as_service`)."""
    rows = (inventory_selectors.service_list().filter(family=family).order_by("pk")
            .values_list(Cast("pk", TextField()), *SERVICE_FIELDS[1:]))
    after = None
    while True:
        page = list((rows.filter(pk__gt=after) if after else rows)[:batch])
        if not page:
            return
        after = page[-1][0]
        yield page


def live_service_ids(*, service_ids: list[str]) -> set[str]:
    """Which of these ids TMF638 knows and has not terminated."""
    valid = [sid for sid in service_ids if is_entity_id(sid)]
    if not valid:
        return set()
    return {str(pk) for pk in inventory_selectors.service_list().filter(pk__in=valid)
            .exclude(state="terminated").values_list("pk", flat=True)}



class ObservedRanges:
    """What one platform runs, read range by range in service-id order during one pass.

    Each range is one or a few indexed keyset reads (`observed_configs_page`), so memory stays flat."""

    def __init__(self, *, platform: str, batch: int):
        self.platform, self.batch = platform, batch

    def read(self, *, after: str, upto: str | None) -> dict[str, tuple[dict, str]]:
        """{service_id: (config, status)} with after < service_id <= upto (no upper bound when None)."""
        found = {}
        while True:
            page = network_selectors.observed_configs_page(platform=self.platform, after=after, upto=upto,
                                                           limit=self.batch)
            found.update({service_id: (config, status) for service_id, config, status in page})
            if len(page) < self.batch:
                return found
            after = page[-1][0]


def observed_for_service(*, service_id: str) -> dict[str, dict]:
    return network_selectors.observed_configs_for_service(service_id=service_id)
