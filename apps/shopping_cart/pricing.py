"""Cart prices, exact to the cent: unit prices are the catalog's (tax excluded, tax rate in percent); each line's
tax-included amount is rounded half-up to the cent once, and totals are sums of rounded lines."""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TOTALLED = ("recurring", "oneTime")  # usage prices are shown per item, never summed into the cart total


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def price_snapshot(offering) -> list[dict]:
    """The offering's prices as stored on a cart item (amounts as strings: JSON keeps no Decimal)."""
    return [{"name": p.name, "price_type": p.price_type, "recurring_period": p.recurring_period_type or "",
             "amount": str(p.amount), "currency": p.currency, "tax_rate": str(p.tax_rate),
             "unit_of_measure": p.unit_of_measure or ""}
            for p in sorted(offering.prices, key=lambda price: (price.price_type, price.name, str(price.pk)))]


def line(price: dict, quantity: int) -> dict:
    """One priced line: unit and total amounts, duty-free and tax-included."""
    rate = Decimal(str(price.get("tax_rate") or 0))
    unit = cents(price.get("amount") or 0)
    unit_with_tax = cents(unit * (100 + rate) / 100)
    return {"name": price.get("name", ""), "price_type": price["price_type"],
            "recurring_period": price.get("recurring_period", ""), "currency": price.get("currency") or "EUR",
            "tax_rate": rate, "unit_of_measure": price.get("unit_of_measure", ""),
            "unit_amount": unit, "unit_amount_with_tax": unit_with_tax,
            "amount": unit * quantity, "amount_with_tax": unit_with_tax * quantity}


def item_prices(item) -> list[dict]:
    return [line(price, item.quantity) for price in item.prices]


def cart_totals(items) -> list[dict]:
    """Per (price type, period, currency): the sum of the items' totals; recurring and one-time apart."""
    totals: dict[tuple, dict] = {}
    for item in items:
        for priced in item_prices(item):
            if priced["price_type"] not in TOTALLED:
                continue
            key = (priced["price_type"], priced["recurring_period"], priced["currency"])
            total = totals.setdefault(key, {"price_type": key[0], "recurring_period": key[1], "currency": key[2],
                                            "amount": Decimal("0.00"), "amount_with_tax": Decimal("0.00")})
            total["amount"] += priced["amount"]
            total["amount_with_tax"] += priced["amount_with_tax"]
    order = {name: index for index, name in enumerate(TOTALLED)}
    return sorted(totals.values(), key=lambda t: (order[t["price_type"]], t["recurring_period"], t["currency"]))
