"""TMF663 ShoppingCart JSON ↔ the cart's domain attributes (the anti-corruption layer).

Extensions beyond the v4.0.0 schema: `status` (active | checkedOut), `productOrder` (the order checkout made) and
`cartItem.productOfferingQualificationItem` (the TMF679 item the line passed, shaped as in TMF622 v4) and
`cartItem.serviceQualification` (a ref to the TMF645 checkServiceQualification its place passed)."""
from rest_framework import serializers

from bss.api.refs import (CharacteristicInputSerializer, InstallationPlaceInput, RefInputSerializer,
                          RelatedPartyInputSerializer, characteristics_render, compact, ref_render)
from bss.api.serializers import TMFInputSerializer, TMFReadSerializer, href_for

from ..choices import ItemAction
from ..models import ShoppingCart
from ..pricing import cart_totals, item_prices


INSTALLATION_ADDRESS = "installationAddress"  # the one role of product.place: where the product is delivered


def money(value, currency) -> dict:
    return {"unit": currency, "value": float(value)}


def cart_price_render(priced: dict, unit: bool = False) -> dict:
    prefix = "unit_" if unit else ""
    return compact({
        "name": priced.get("name") or None, "priceType": priced["price_type"],
        "recurringChargePeriod": priced.get("recurring_period") or None,
        "unitOfMeasure": priced.get("unit_of_measure") or None,
        "price": {"dutyFreeAmount": money(priced[f"{prefix}amount"], priced["currency"]),
                  "taxIncludedAmount": money(priced[f"{prefix}amount_with_tax"], priced["currency"]),
                  "taxRate": float(priced.get("tax_rate") or 0)},
        "@type": "CartPrice",
    })


def related_parties_render(parties: list[dict]) -> list[dict]:
    return [ref_render(p["party_id"], name=p.get("name"), role=p.get("role") or None,
                       referred_type=p.get("kind") or "Individual") for p in parties]


class ShoppingCartSerializer(TMFReadSerializer):
    status = serializers.CharField()
    validFor = serializers.SerializerMethodField()
    cartItem = serializers.SerializerMethodField()
    cartTotalPrice = serializers.SerializerMethodField()
    relatedParty = serializers.SerializerMethodField()
    productOrder = serializers.SerializerMethodField()

    class Meta:
        model = ShoppingCart
        tmf = ("tmf663", "shoppingCart", "ShoppingCart")
        fields = ["id", "href", "status", "validFor", "cartItem", "cartTotalPrice", "relatedParty", "productOrder"]

    def get_validFor(self, obj) -> dict:
        return compact({"startDateTime": obj.valid_from.isoformat() if obj.valid_from else None,
                        "endDateTime": obj.valid_to.isoformat() if obj.valid_to else None})

    def get_cartItem(self, obj) -> list[dict]:
        request = self.context.get("request")
        rendered = []
        for item in obj.items.all():
            priced = item_prices(item)
            offering = None
            if item.offering_id:
                offering = ref_render(item.offering_id, name=item.offering_name, referred_type="ProductOffering",
                                      href=href_for("tmf620", "productOffering", item.offering_id, request) or None,
                                      version=item.offering_version or None)
            rendered.append(compact({
                "id": item.item_id, "action": item.action, "quantity": item.quantity, "status": "active",
                "productOffering": offering,
                "product": compact({
                    "productCharacteristic": characteristics_render(item.characteristics) or None,
                    "place": [{"id": item.place_id, "role": INSTALLATION_ADDRESS,
                               "@referredType": "GeographicAddress"}] if item.place_id else None,
                    "@type": "Product"}) if item.characteristics or item.place_id else None,
                "productOfferingQualificationItem": compact({
                    "id": item.qualification_item_id, "productOfferingQualificationId": item.qualification_id,
                    "productOfferingQualificationHref": href_for("tmf679", "productOfferingQualification",
                                                                 item.qualification_id, request) or None,
                    "@referredType": "ProductOfferingQualificationItem"}) if item.qualification_id else None,
                "serviceQualification": ref_render(
                    item.service_qualification_id, referred_type="CheckServiceQualification",
                    href=href_for("tmf645", "checkServiceQualification", item.service_qualification_id, request)
                    or None) if item.service_qualification_id else None,
                "itemPrice": [cart_price_render(p, unit=True) for p in priced],
                "itemTotalPrice": [cart_price_render(p) for p in priced],
                "@type": "CartItem",
            }))
        return rendered

    def get_cartTotalPrice(self, obj) -> list[dict]:
        return [cart_price_render(total) for total in cart_totals(obj.items.all())]

    def get_relatedParty(self, obj) -> list[dict]:
        return related_parties_render(obj.related_parties)

    def get_productOrder(self, obj) -> dict | None:
        if not obj.product_order_id:
            return None
        return ref_render(obj.product_order_id, referred_type="ProductOrder",
                          href=href_for("tmf622", "productOrder", obj.product_order_id,
                                        self.context.get("request")) or None)

    def to_representation(self, instance):
        return compact(super().to_representation(instance))


class TimePeriodSerializer(serializers.Serializer):
    startDateTime = serializers.DateTimeField(required=False, allow_null=True)
    endDateTime = serializers.DateTimeField(required=False, allow_null=True)


class OfferingRefInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=200)
    version = serializers.CharField(max_length=50, required=False, allow_blank=True, allow_null=True)
    href = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True)


class ProductValueInputSerializer(InstallationPlaceInput):
    productCharacteristic = CharacteristicInputSerializer(many=True, required=False)


class QualificationItemRefInputSerializer(serializers.Serializer):
    """ProductOfferingQualificationItemRef (TMF622 v4): the item `id` within `productOfferingQualificationId`."""

    id = serializers.CharField(max_length=100)
    productOfferingQualificationId = serializers.CharField(max_length=64)
    href = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)
    productOfferingQualificationHref = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                                             allow_null=True)


class CartItemInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100, required=False)
    action = serializers.ChoiceField(choices=ItemAction.choices, required=False)
    quantity = serializers.IntegerField(min_value=1, max_value=10000, required=False)
    status = serializers.ChoiceField(choices=["active", "saveForLater", "savedForLater"], required=False)
    productOffering = OfferingRefInputSerializer(required=False)
    product = ProductValueInputSerializer(required=False)
    productOfferingQualificationItem = QualificationItemRefInputSerializer(required=False)
    serviceQualification = RefInputSerializer(required=False)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("a cartItem object is expected")
        values = super().to_internal_value(data)
        product = values.get("product") or {}
        characteristics = product.get("productCharacteristic", [])
        names = [c["name"] for c in characteristics]
        if len(set(names)) != len(names):
            raise serializers.ValidationError({"product": "characteristic names must be unique"})
        offering = values.get("productOffering") or {}
        qualification = values.get("productOfferingQualificationItem") or {}
        return {"item_id": values.get("id") or "", "action": values.get("action") or ItemAction.ADD,
                "quantity": values.get("quantity") or 1, "offering_id": offering.get("id") or "",
                "offering_version": offering.get("version") or "",
                "characteristics": {c["name"]: c["value"] for c in characteristics},
                "place_id": product["place"][0]["id"] if product.get("place") else "",
                "qualification_id": qualification.get("productOfferingQualificationId") or "",
                "qualification_item_id": qualification.get("id") or "",
                "service_qualification_id": (values.get("serviceQualification") or {}).get("id") or ""}


class ShoppingCartCreateSerializer(TMFInputSerializer):
    """TMF663 JSON → shopping_cart_create(attributes=, items=). `{}` is a valid empty cart (validFor: 30 days)."""

    validFor = TimePeriodSerializer(required=False)
    cartItem = CartItemInputSerializer(many=True, required=False)
    relatedParty = RelatedPartyInputSerializer(many=True, required=False)
    # cartTotalPrice / itemPrice are computed from the catalog; what a client sends is ignored.
    cartTotalPrice = serializers.JSONField(required=False)
    contactMedium = serializers.JSONField(required=False)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        attributes = {key: values[key] for key in ("at_type", "at_base_type", "at_schema_location") if key in values}
        if "validFor" in values:
            attributes["valid_from"] = values["validFor"].get("startDateTime")
            attributes["valid_to"] = values["validFor"].get("endDateTime")
        if "relatedParty" in values:
            parties = [{"party_id": p["id"], "role": p.get("role") or "", "name": p["name"],
                        "kind": p["referred_type"]} for p in values["relatedParty"]]
            attributes["related_parties"] = parties
            customer = next((p for p in parties if p["role"].lower() == "customer"), None)
            attributes["customer_party_id"] = customer["party_id"] if customer else ""
        return {"attributes": attributes, "items": values.get("cartItem")}


class ShoppingCartUpdateSerializer(ShoppingCartCreateSerializer):
    def to_internal_value(self, data):
        if isinstance(data, dict):
            refused = [name for name in ("id", "href", "status", "productOrder") if name in data]
            if refused:
                raise serializers.ValidationError({refused[0]: "is read-only"})
        return super().to_internal_value(data)


class CheckoutInputSerializer(serializers.Serializer):
    """Body of POST shoppingCart/{id}/checkout: optional externalId and billingAccount for the product order (a
    TMF663 v4 cart carries no billing account; without one the order waits `pending` for it)."""

    externalId = serializers.CharField(max_length=200, required=False, allow_blank=True)
    billingAccount = RefInputSerializer(required=False)
