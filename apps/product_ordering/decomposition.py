"""The decomposition engine: an order item and the rules that apply → the service order items to ask for.

Pure and deterministic: same item and rules → same plan, and every planned item's key is (order item, rule),
so planning twice creates nothing new."""
from .choices import ItemAction


def rules_applicable(rules, *, product_spec_version: str) -> list:
    """Per service spec, the highest active rule_version; a rule for the exact product spec version beats a
    version-less one. Ordered by sequence, then service spec."""
    best = {}
    for rule in rules:
        if not rule.active or rule.product_spec_version not in ("", product_spec_version):
            continue
        rank = (rule.product_spec_version == product_spec_version, rule.rule_version)
        current = best.get(rule.service_spec_id)
        if current is None or rank > current[0]:
            best[rule.service_spec_id] = (rank, rule)
    return sorted((rule for _, rule in best.values()), key=lambda r: (r.sequence, r.service_spec_id))


# The characteristic that carries the order item's place (an address id) to every service it decomposes into:
# COM says where; activation decides which element serves it (docs/activation.md).
PLACE_CHARACTERISTIC = "place_id"


def service_item_key(order_item_pk, rule_pk) -> str:
    return f"{order_item_pk}:{rule_pk}"


def map_characteristics(rule, product_characteristics: dict, place_id: str = "") -> dict:
    """{service characteristic: value} from the rule's map: a product characteristic name, or {"value": fixed};
    plus the place, when the order item names one."""
    mapped = {PLACE_CHARACTERISTIC: place_id} if place_id else {}
    for service_name, source in sorted(rule.characteristic_map.items()):
        if isinstance(source, dict) and "value" in source:
            mapped[service_name] = source["value"]
        elif isinstance(source, str) and source in product_characteristics:
            mapped[service_name] = product_characteristics[source]
    return mapped


def plan(*, order_item, rules, existing_services: list[dict]) -> list[dict]:
    """Service item dicts (model field names) for one order item.

    existing_services: the realizing services of the product a modify/delete acts on
    ([{"service_id", "service_spec_id"}]); a modify that finds no service of a rule's spec adds one."""
    by_spec = {s.get("service_spec_id"): s.get("service_id") for s in existing_services}
    planned = []
    for rule in rules:
        action, service_id = order_item.action, ""
        if action in (ItemAction.MODIFY, ItemAction.DELETE, ItemAction.NO_CHANGE):
            service_id = by_spec.get(rule.service_spec_id) or ""
            if not service_id:
                if action != ItemAction.MODIFY:
                    continue  # nothing of this spec to delete or keep
                action = ItemAction.ADD
        planned.append({
            "key": service_item_key(order_item.pk, rule.pk), "rule": rule, "action": action,
            "service_spec_id": rule.service_spec_id, "service_spec_version": rule.service_spec_version,
            "characteristics": map_characteristics(rule, order_item.characteristics, order_item.place_id),
            "service_id": service_id, "optional": rule.optional, "relies_on_specs": rule.relies_on_service_specs,
        })
    keys = {p["service_spec_id"]: p["key"] for p in planned}
    for p in planned:
        # Removal runs without ordering: activation tears down in its own safe order.
        specs = p.pop("relies_on_specs")
        p["relies_on"] = [] if p["action"] == ItemAction.DELETE else [keys[s] for s in specs if s in keys]
    return planned
