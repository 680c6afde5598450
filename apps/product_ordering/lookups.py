"""What COM reads from other contexts, through their selectors, as plain facts (docs/contracts.md)."""
from dataclasses import dataclass, field

from apps.parties import selectors as parties


@dataclass(frozen=True)
class SpecRef:
    id: str
    version: str
    name: str


@dataclass(frozen=True)
class OfferingFacts:
    id: str
    version: str
    name: str
    sellable: bool
    is_bundle: bool = False
    # The product specifications it realizes: its own, or for a bundle those of its bundled offerings.
    specs: tuple = ()
    characteristics: dict = field(default_factory=dict)  # {name: allowed values (empty: any)}
    defaults: dict = field(default_factory=dict)  # {name: default value}
    prices: list = field(default_factory=list)  # [{"name", "price_type", "recurring_period", "amount", ...}]

    @property
    def spec(self) -> SpecRef | None:
        """The single specification of a plain offering (None for a bundle)."""
        return self.specs[0] if len(self.specs) == 1 and not self.is_bundle else None


def _spec_parts(offering) -> tuple[list[SpecRef], dict, dict]:
    spec = offering.product_specification
    if spec is None:
        return [], {}, {}
    characteristics = list(spec.characteristics.all())
    return ([SpecRef(str(spec.pk), spec.version, spec.name)],
            {c.name: list(c.allowed_values or []) for c in characteristics},
            {c.name: c.default_value for c in characteristics if c.default_value is not None})


def offering_facts(*, offering_id: str, version: str | None) -> OfferingFacts | None:
    from apps.product_catalog import selectors as catalog

    offering = catalog.product_offering_get(offering_id=offering_id, version=version or None)
    if offering is None:
        return None
    specs, allowed, defaults = _spec_parts(offering)
    for component in offering.bundled_offerings:
        more_specs, more_allowed, more_defaults = _spec_parts(component)
        specs += more_specs
        allowed.update(more_allowed)
        defaults.update(more_defaults)
    return OfferingFacts(
        id=str(offering.pk), version=offering.version, name=offering.name,
        sellable=catalog.product_offering_is_sellable(offering=offering), is_bundle=bool(offering.is_bundle),
        specs=tuple(specs), characteristics=allowed, defaults=defaults,
        prices=[{"name": p.name, "price_type": p.price_type, "recurring_period": p.recurring_period_type,
                 "amount": float(p.amount), "currency": p.currency, "tax_rate": float(p.tax_rate)}
                for p in sorted(offering.prices, key=lambda price: (price.name, str(price.pk)))],
    )


def party_check(*, caller, party_id: str) -> str | None:
    """None when the party exists and the caller may act for it; else the reason."""
    party = parties.party_get(party_id=party_id)
    if party is None:
        return f"party {party_id} is unknown"
    if caller is not None and not parties.party_may_act_for(caller=caller, party=party):
        return f"party {party_id} is not a customer of this channel"
    return None


def billing_account_check(*, account_id: str, party_id: str) -> tuple[str, str | None]:
    """(account name, None) when the account exists and belongs to the party; else ("", reason)."""
    account = parties.billing_account_get(account_id=account_id)
    if account is None:
        return "", f"billing account {account_id} is unknown"
    if party_id and str(account.party_id) != str(party_id):
        return "", f"billing account {account_id} does not belong to party {party_id}"
    return account.name, None


def qualification_check(*, qualification_id: str) -> str | None:
    """A given qualification must be known and not negative. Checked only where the qualification context
    exposes `product_offering_qualification_get` (docs/contracts.md, "Qualification")."""
    try:
        from apps.product_qualification import selectors as qualification
    except ImportError:
        return None
    getter = getattr(qualification, "product_offering_qualification_get", None)
    if getter is None:
        return None
    found = getter(qualification_id=qualification_id)
    if found is None:
        return f"qualification {qualification_id} is unknown"
    if not getattr(found, "is_valid_now", True):
        return f"qualification {qualification_id} is not positive or has expired"
    return None


def place_check(*, place_id: str) -> str | None:
    """An ordered place must be an address service qualification knows (where it finds the serving element)."""
    from apps.service_qualification.selectors import geographic_address_get

    if geographic_address_get(address_id=place_id) is None:
        return f"place {place_id} is not a known geographic address"
    return None
