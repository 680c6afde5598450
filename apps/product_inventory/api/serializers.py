"""TMF637 Product JSON ↔ the product inventory's domain attributes (the anti-corruption layer)."""
from rest_framework import serializers

from bss.api.refs import (CharacteristicInputSerializer, RefInputSerializer, RelatedPartyInputSerializer,
                          VersionedRefInputSerializer, characteristics_render, compact, ref_render)
from bss.api.serializers import TMFInputSerializer, TMFReadSerializer, href_for

from ..choices import SERVICE_HEALTH, ProductStatus
from ..models import Product


def related_parties_render(parties: list[dict]) -> list[dict]:
    return [ref_render(p["party_id"], name=p.get("name"), role=p.get("role") or None,
                       referred_type=p.get("kind") or "Individual") for p in parties]


def prices_render(prices: list[dict]) -> list[dict]:
    rendered = []
    for price in prices:
        amount = {"unit": price.get("currency") or "EUR", "value": float(price.get("amount") or 0)}
        rendered.append(compact({
            "name": price.get("name") or None, "priceType": price.get("price_type") or "recurring",
            "recurringChargePeriod": price.get("recurring_period") or None,
            "price": {"dutyFreeAmount": amount,
                      "taxRate": float(price["tax_rate"]) if price.get("tax_rate") is not None else None},
        }))
    return rendered


class ProductSerializer(TMFReadSerializer):
    name = serializers.CharField()
    description = serializers.CharField()
    isBundle = serializers.BooleanField(source="is_bundle")
    isCustomerVisible = serializers.BooleanField(source="is_customer_visible")
    productSerialNumber = serializers.CharField(source="product_serial_number")
    status = serializers.CharField()
    orderDate = serializers.DateTimeField(source="order_date")
    startDate = serializers.DateTimeField(source="start_date")
    terminationDate = serializers.DateTimeField(source="termination_date")
    productOffering = serializers.SerializerMethodField()
    productSpecification = serializers.SerializerMethodField()
    productCharacteristic = serializers.SerializerMethodField()
    productPrice = serializers.SerializerMethodField()
    relatedParty = serializers.SerializerMethodField()
    billingAccount = serializers.SerializerMethodField()
    realizingService = serializers.SerializerMethodField()
    productOrderItem = serializers.SerializerMethodField()

    class Meta:
        model = Product
        tmf = ("tmf637", "product", "Product")
        fields = ["id", "href", "name", "description", "isBundle", "isCustomerVisible", "productSerialNumber",
                  "status", "orderDate", "startDate", "terminationDate", "productOffering", "productSpecification",
                  "productCharacteristic", "productPrice", "relatedParty", "billingAccount", "realizingService",
                  "productOrderItem"]

    def get_productOffering(self, obj) -> dict | None:
        if not obj.offering_id:
            return None
        return ref_render(obj.offering_id, name=obj.offering_name, referred_type="ProductOffering",
                          href=href_for("tmf620", "productOffering", obj.offering_id, self.context.get("request")) or None)

    def get_productSpecification(self, obj) -> dict | None:
        if not obj.product_spec_id:
            return None
        return ref_render(obj.product_spec_id, name=obj.product_spec_name, version=obj.product_spec_version or None,
                          referred_type="ProductSpecification")

    def get_productCharacteristic(self, obj) -> list[dict]:
        # TMF637 v4 has no operating status: a degraded realizing service shows as one more characteristic.
        health = [{"name": SERVICE_HEALTH, "valueType": "string", "value": "degraded"}]
        return characteristics_render(obj.characteristics) + (health if obj.degraded_services else [])

    def get_productPrice(self, obj) -> list[dict]:
        return prices_render(obj.prices)

    def get_relatedParty(self, obj) -> list[dict]:
        return related_parties_render(obj.related_parties)

    def get_billingAccount(self, obj) -> dict | None:
        if not obj.billing_account_id:
            return None
        return ref_render(obj.billing_account_id, name=obj.billing_account_name, referred_type="BillingAccount")

    def get_realizingService(self, obj) -> list[dict]:
        return [ref_render(s["service_id"], name=s.get("name"), referred_type="Service",
                           href=href_for("tmf638", "service", s["service_id"], self.context.get("request")) or None)
                for s in obj.realizing_services]

    def get_productOrderItem(self, obj) -> list[dict]:
        return [compact({"orderItemId": ref["order_item_id"], "productOrderId": ref["order_id"],
                         "orderItemAction": ref.get("action") or None,
                         "productOrderHref": href_for("tmf622", "productOrder", ref["order_id"], self.context.get("request")) or None,
                         "@referredType": "ProductOrder"})
                for ref in obj.order_items]

    def to_representation(self, instance):
        data = compact(super().to_representation(instance))
        return {key: value for key, value in data.items() if value != ""}


class ProductPriceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    priceType = serializers.CharField(max_length=50, source="price_type")
    recurringChargePeriod = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                                  source="recurring_period")
    price = serializers.DictField()

    def validate_price(self, value):
        amount = value.get("dutyFreeAmount") or value.get("taxIncludedAmount") or {}
        if not isinstance(amount, dict) or not isinstance(amount.get("value", 0), (int, float)):
            raise serializers.ValidationError("dutyFreeAmount.value must be a number")
        return value

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        price = values.pop("price")
        amount = price.get("dutyFreeAmount") or price.get("taxIncludedAmount") or {}
        values.update(amount=amount.get("value", 0), currency=amount.get("unit") or "EUR",
                      tax_rate=price.get("taxRate"))
        return values


class ProductCreateSerializer(TMFInputSerializer):
    """Back-office create: TMF637 JSON → the attributes of apps.product_inventory.services.product_create."""

    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    isBundle = serializers.BooleanField(required=False, source="is_bundle")
    isCustomerVisible = serializers.BooleanField(required=False, source="is_customer_visible")
    productSerialNumber = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                                source="product_serial_number")
    status = serializers.ChoiceField(choices=ProductStatus.choices)
    orderDate = serializers.DateTimeField(required=False, source="order_date")
    startDate = serializers.DateTimeField(required=False, source="start_date")
    terminationDate = serializers.DateTimeField(required=False, source="termination_date")
    productOffering = RefInputSerializer(required=False)
    productSpecification = VersionedRefInputSerializer(required=False)
    productCharacteristic = CharacteristicInputSerializer(many=True, required=False)
    productPrice = ProductPriceInputSerializer(many=True, required=False)
    relatedParty = RelatedPartyInputSerializer(many=True, required=False)
    billingAccount = RefInputSerializer(required=False)
    realizingService = RefInputSerializer(many=True, required=False)

    def validate_productCharacteristic(self, value):
        names = [item["name"] for item in value]
        if len(set(names)) != len(names):
            raise serializers.ValidationError("characteristic names must be unique")
        return value

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        status = values.pop("status", None)
        attributes = {key: value for key, value in values.items()
                      if key not in ("productOffering", "productSpecification", "productCharacteristic",
                                     "productPrice", "relatedParty", "billingAccount", "realizingService")}
        if "productOffering" in values:
            attributes.update(offering_id=values["productOffering"]["id"],
                              offering_name=values["productOffering"]["name"])
        if "productSpecification" in values:
            spec = values["productSpecification"]
            attributes.update(product_spec_id=spec["id"], product_spec_name=spec["name"],
                              product_spec_version=spec.get("version") or "")
        if "productCharacteristic" in values:
            # serviceHealth is the inventory's to say: a GET sent back as a PATCH does not store it.
            attributes["characteristics"] = {c["name"]: c["value"] for c in values["productCharacteristic"]
                                             if c["name"] != SERVICE_HEALTH}
        if "productPrice" in values:
            attributes["prices"] = values["productPrice"]
        if "relatedParty" in values:
            attributes["related_parties"] = [
                {"party_id": p["id"], "role": p.get("role") or "", "name": p["name"], "kind": p["referred_type"]}
                for p in values["relatedParty"]]
            customer = next((p for p in attributes["related_parties"] if p["role"].lower() == "customer"),
                            attributes["related_parties"][0] if attributes["related_parties"] else None)
            if customer:
                attributes["customer_party_id"] = customer["party_id"]
        if "billingAccount" in values:
            attributes.update(billing_account_id=values["billingAccount"]["id"],
                              billing_account_name=values["billingAccount"]["name"])
        if "realizingService" in values:
            attributes["realizing_services"] = [{"service_id": s["id"], "name": s["name"], "service_spec_id": ""}
                                                for s in values["realizingService"]]
        return {"attributes": attributes, "status": status}


class ProductUpdateSerializer(ProductCreateSerializer):
    status = serializers.ChoiceField(choices=ProductStatus.choices, required=False)
