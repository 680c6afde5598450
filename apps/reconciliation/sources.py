"""What reconciliation compares, read through the owners' selectors in bounded batches.

TMF638 through apps.service_inventory.selectors, the network through apps.network.selectors, platforms of a
family through activation's activators (the steps say which platforms build a family)."""
import bisect
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

    With the network's keyset pages (`observed_configs_page`) each range is one or a few indexed reads. Until the
    network offers them, the platform's ids are listed once per pass and each one in range is read on its own."""

    def __init__(self, *, platform: str, batch: int):
        self.platform, self.batch = platform, batch
        self.paged = getattr(network_selectors, "observed_configs_page", None)
        self.ids = None

    def read(self, *, after: str, upto: str | None) -> dict[str, dict]:
        """{service_id: {"config", "status"}} with after < service_id <= upto (no upper bound when None)."""
        if self.paged is None:
            return self._read_one_by_one(after, upto)
        found = {}
        while True:
            page = self.paged(platform=self.platform, after=after, upto=upto, limit=self.batch)
            found.update({service_id: {"config": config, "status": status} for service_id, config, status in page})
            if len(page) < self.batch:
                return found
            after = page[-1][0]

    def _read_one_by_one(self, after: str, upto: str | None) -> dict[str, dict]:
        if self.ids is None:
            self.ids = network_selectors.observed_service_ids(platform=self.platform)
        start = bisect.bisect_right(self.ids, after)
        end = len(self.ids) if upto is None else bisect.bisect_right(self.ids, upto)
        found = {}
        for service_id in self.ids[start:end]:
            observed = network_selectors.observed_config_read(platform=self.platform, service_id=service_id)
            if observed is not None:
                found[service_id] = observed
        return found


def observed_for_service(*, service_id: str) -> dict[str, dict]:
    return network_selectors.observed_configs_for_service(service_id=service_id)
