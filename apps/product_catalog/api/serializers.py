"""TMF620 JSON for the product catalog. Prices render inline in offerings (ProductOfferingPriceRefOrValue),
so a channel prices an offering from one GET."""
from rest_framework import serializers

from bss.api.catalog import (CATALOG_ITEM_FIELDS, CatalogItemInputSerializer, CatalogItemSerializer,
                             CharacteristicSerializer, RefSerializer, entity_ref)
from bss.api.serializers import href_for

from ..choices import LifecycleStatus, PriceType
from ..models import Catalog, Category, ProductOffering, ProductOfferingPrice, ProductSpecification

API = "tmf620"


def ref(obj, resource, request, **extra):
    return entity_ref(obj, api=API, resource=resource, request=request, **extra)


def ref_ids(refs) -> list[str]:
    return [item["id"] for item in refs]


def money(value, currency) -> dict:
    return {"unit": currency, "value": float(value)}


class ProductCatalogItemInput(CatalogItemInputSerializer):
    lifecycle_choices = tuple(LifecycleStatus.values)

    #: TMF ref lists whose ids the services take as `<name>_ids`
    ref_lists: dict = {}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        for json_name, keyword in self.ref_lists.items():
            if json_name in attrs:
                attrs[keyword] = ref_ids(attrs.pop(json_name))
        return attrs


# --- productSpecification ----------------------------------------------------------------------------------

class ProductCharacteristicSerializer(CharacteristicSerializer):
    values_key = "productSpecCharacteristicValue"


class RelationshipInput(serializers.Serializer):
    id = serializers.CharField(source="target_id", max_length=64)
    relationshipType = serializers.CharField(source="relationship_type", max_length=40, required=False)


class ProductSpecificationSerializer(CatalogItemSerializer):
    brand = serializers.CharField(read_only=True)
    productNumber = serializers.CharField(source="product_number", read_only=True)
    isBundle = serializers.BooleanField(source="is_bundle", read_only=True)
    productSpecCharacteristic = ProductCharacteristicSerializer(source="characteristics", many=True, read_only=True)
    serviceSpecification = serializers.SerializerMethodField()
    productSpecificationRelationship = serializers.SerializerMethodField()
    resourceSpecification = serializers.JSONField(source="resource_specifications", read_only=True)

    class Meta:
        model = ProductSpecification
        fields = CATALOG_ITEM_FIELDS + ["brand", "productNumber", "isBundle", "productSpecCharacteristic",
                                        "serviceSpecification", "productSpecificationRelationship",
                                        "resourceSpecification"]
        tmf = (API, "productSpecification", "ProductSpecification")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.is_bundle:
            data["bundledProductSpecification"] = []  # bundles of specs are not modelled; bundle offerings are
        return data

    def get_serviceSpecification(self, obj) -> list[dict]:  # noqa: N802
        request = self.context.get("request")
        return [{"id": r.service_spec_id,
                 "href": href_for("tmf633", "serviceSpecification", r.service_spec_id, request),
                 "name": r.name, "version": r.service_spec_version, "@referredType": "ServiceSpecification"}
                for r in obj.service_refs.all()]

    def get_productSpecificationRelationship(self, obj) -> list[dict]:  # noqa: N802
        request = self.context.get("request")
        return [ref(r.target, "productSpecification", request, relationshipType=r.relationship_type)
                for r in obj.relationships.all()]


class ProductSpecificationInputSerializer(ProductCatalogItemInput):
    brand = serializers.CharField(max_length=100, required=False, allow_blank=True)
    productNumber = serializers.CharField(source="product_number", max_length=60, required=False, allow_blank=True)
    isBundle = serializers.BooleanField(source="is_bundle", required=False)
    productSpecCharacteristic = ProductCharacteristicSerializer(source="characteristics", many=True, required=False)
    serviceSpecification = RefSerializer(source="service_spec_refs", many=True, required=False)
    productSpecificationRelationship = RelationshipInput(source="relationships", many=True, required=False)
    resourceSpecification = RefSerializer(source="resource_specifications", many=True, required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        for key in ("service_spec_refs", "resource_specifications"):
            if key in attrs:
                attrs[key] = [dict(item) for item in attrs[key]]
        return attrs


# --- productOfferingPrice ----------------------------------------------------------------------------------

def price_value(price) -> dict:
    """TMF ProductPriceValue of a price: amounts without and with tax."""
    return {"dutyFreeAmount": money(price.amount, price.currency),
            "taxIncludedAmount": money(price.amount_with_tax, price.currency), "taxRate": float(price.tax_rate)}


class ProductOfferingPriceSerializer(CatalogItemSerializer):
    priceType = serializers.CharField(source="price_type", read_only=True)
    isBundle = serializers.BooleanField(source="is_bundle", read_only=True)
    price = serializers.SerializerMethodField()
    tax = serializers.SerializerMethodField()
    recurringChargePeriodType = serializers.CharField(source="recurring_period_type", read_only=True)
    recurringChargePeriodLength = serializers.IntegerField(source="recurring_period_length", read_only=True)
    unitOfMeasure = serializers.SerializerMethodField()

    class Meta:
        model = ProductOfferingPrice
        fields = CATALOG_ITEM_FIELDS + ["priceType", "isBundle", "price", "tax", "recurringChargePeriodType",
                                        "recurringChargePeriodLength", "unitOfMeasure"]
        tmf = (API, "productOfferingPrice", "ProductOfferingPrice")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for key in ("recurringChargePeriodType", "recurringChargePeriodLength", "unitOfMeasure"):
            if data[key] in (None, ""):
                data.pop(key)
        if instance.is_bundle:
            data["bundledPopRelationship"] = []
        return data

    def get_price(self, obj) -> dict:
        return money(obj.amount, obj.currency)

    def get_tax(self, obj) -> list[dict]:
        return [{"taxCategory": obj.tax_category, "taxRate": float(obj.tax_rate),
                 "taxAmount": money(obj.amount_with_tax - obj.amount, obj.currency)}]

    def get_unitOfMeasure(self, obj) -> dict | None:  # noqa: N802
        return {"amount": 1, "units": obj.unit_of_measure} if obj.unit_of_measure else None


class MoneyInput(serializers.Serializer):
    unit = serializers.CharField(min_length=3, max_length=3)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class TaxInput(serializers.Serializer):
    taxCategory = serializers.CharField(source="tax_category", max_length=40, required=False)
    taxRate = serializers.DecimalField(source="tax_rate", max_digits=5, decimal_places=2, min_value=0, max_value=100)


class QuantityInput(serializers.Serializer):
    units = serializers.CharField(max_length=20)


class ProductOfferingPriceInputSerializer(ProductCatalogItemInput):
    priceType = serializers.ChoiceField(PriceType.choices, source="price_type", required=False)
    isBundle = serializers.BooleanField(source="is_bundle", required=False)
    price = MoneyInput(required=False)
    tax = TaxInput(many=True, required=False, max_length=1)
    recurringChargePeriodType = serializers.CharField(source="recurring_period_type", max_length=20, required=False,
                                                      allow_blank=True)
    recurringChargePeriodLength = serializers.IntegerField(source="recurring_period_length", min_value=1,
                                                           required=False, allow_null=True)
    unitOfMeasure = QuantityInput(required=False, allow_null=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "price" in attrs:
            price = attrs.pop("price")
            attrs["amount"], attrs["currency"] = price["value"], price["unit"].upper()
        if "tax" in attrs:
            taxes = attrs.pop("tax")
            attrs.update(taxes[0] if taxes else {"tax_rate": 0})
        if "unitOfMeasure" in attrs:
            attrs["unit_of_measure"] = (attrs.pop("unitOfMeasure") or {}).get("units", "")
        return attrs


# --- productOffering ---------------------------------------------------------------------------------------

class ProductOfferingSerializer(CatalogItemSerializer):
    isBundle = serializers.BooleanField(source="is_bundle", read_only=True)
    isSellable = serializers.BooleanField(source="sold_standalone", read_only=True)
    statusReason = serializers.CharField(source="status_reason", read_only=True)
    productSpecification = serializers.SerializerMethodField()
    productOfferingPrice = serializers.SerializerMethodField()
    bundledProductOffering = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    productOfferingRelationship = serializers.SerializerMethodField()

    class Meta:
        model = ProductOffering
        fields = CATALOG_ITEM_FIELDS + ["isBundle", "isSellable", "statusReason", "productSpecification",
                                        "productOfferingPrice", "bundledProductOffering", "category",
                                        "productOfferingRelationship"]
        tmf = (API, "productOffering", "ProductOffering")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data["productSpecification"] is None:
            data.pop("productSpecification")
        if not data["statusReason"]:
            data.pop("statusReason")
        return data

    def get_productSpecification(self, obj) -> dict | None:  # noqa: N802
        spec = obj.product_specification
        if spec is not None:
            return ref(spec, "productSpecification", self.context.get("request"))
        return dict(obj.external_specification) if obj.external_specification else None

    def get_productOfferingPrice(self, obj) -> list[dict]:  # noqa: N802
        request = self.context.get("request")
        prices = []
        for price in obj.prices:
            item = ref(price, "productOfferingPrice", request, priceType=price.price_type, price=price_value(price))
            if price.recurring_period_type:
                item["recurringChargePeriod"] = price.recurring_period_type
            if price.unit_of_measure:
                item["unitOfMeasure"] = {"amount": 1, "units": price.unit_of_measure}
            prices.append(item)
        return prices

    def get_bundledProductOffering(self, obj) -> list[dict]:  # noqa: N802
        request = self.context.get("request")
        return [ref(link.offering, "productOffering", request, lifecycleStatus=link.offering.lifecycle_status,
                    bundledProductOfferingOption={"numberRelOfferLowerLimit": link.lower_limit,
                                                  "numberRelOfferUpperLimit": link.upper_limit,
                                                  "numberRelOfferDefault": link.default_count})
                for link in obj.bundle_links.all()]

    def get_category(self, obj) -> list[dict]:
        return [ref(c, "category", self.context.get("request")) for c in obj.categories.all()]

    def get_productOfferingRelationship(self, obj) -> list[dict]:  # noqa: N802
        request = self.context.get("request")
        return [ref(r.target, "productOffering", request, relationshipType=r.relationship_type)
                for r in obj.relationships.all()]


class BundleOptionInput(serializers.Serializer):
    numberRelOfferLowerLimit = serializers.IntegerField(source="lower_limit", min_value=0, required=False)
    numberRelOfferUpperLimit = serializers.IntegerField(source="upper_limit", min_value=0, required=False)
    numberRelOfferDefault = serializers.IntegerField(source="default_count", min_value=0, required=False)


class BundledOfferingInput(serializers.Serializer):
    id = serializers.CharField(source="offering_id", max_length=64)
    bundledProductOfferingOption = BundleOptionInput(source="*", required=False)


class ProductOfferingInputSerializer(ProductCatalogItemInput):
    ref_lists = {"productOfferingPrice": "price_ids", "category": "category_ids"}

    isBundle = serializers.BooleanField(source="is_bundle", required=False)
    isSellable = serializers.BooleanField(source="sold_standalone", required=False)
    statusReason = serializers.CharField(source="status_reason", max_length=200, required=False, allow_blank=True)
    productSpecification = RefSerializer(source="product_spec_ref", required=False, allow_null=True)
    productOfferingPrice = RefSerializer(many=True, required=False)
    bundledProductOffering = BundledOfferingInput(source="bundled", many=True, required=False)
    category = RefSerializer(many=True, required=False)
    productOfferingRelationship = RelationshipInput(source="relationships", many=True, required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("product_spec_ref") is not None:
            attrs["product_spec_ref"] = dict(attrs["product_spec_ref"])
        for key in ("bundled", "relationships"):
            if key in attrs:
                attrs[key] = [dict(item) for item in attrs[key]]
        return attrs


# --- catalog, category -------------------------------------------------------------------------------------

class CatalogSerializer(CatalogItemSerializer):
    catalogType = serializers.CharField(source="catalog_type", read_only=True)
    category = serializers.SerializerMethodField()

    class Meta:
        model = Catalog
        fields = CATALOG_ITEM_FIELDS + ["catalogType", "category"]
        tmf = (API, "catalog", "Catalog")

    def get_category(self, obj) -> list[dict]:
        return [ref(c, "category", self.context.get("request")) for c in obj.categories.all()]


class CatalogInputSerializer(ProductCatalogItemInput):
    ref_lists = {"category": "category_ids"}

    catalogType = serializers.CharField(source="catalog_type", max_length=60, required=False, allow_blank=True)
    category = RefSerializer(many=True, required=False)


class CategorySerializer(CatalogItemSerializer):
    isRoot = serializers.BooleanField(source="is_root", read_only=True)
    parentId = serializers.CharField(source="parent_id", read_only=True, allow_null=True)
    subCategory = serializers.SerializerMethodField()
    productOffering = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = CATALOG_ITEM_FIELDS + ["isRoot", "parentId", "subCategory", "productOffering"]
        tmf = (API, "category", "Category")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data["parentId"] is None:
            data.pop("parentId")
        return data

    def get_subCategory(self, obj) -> list[dict]:  # noqa: N802
        return [ref(c, "category", self.context.get("request")) for c in obj.children.all()]

    def get_productOffering(self, obj) -> list[dict]:  # noqa: N802
        return [ref(o, "productOffering", self.context.get("request")) for o in obj.offerings.all()]


class CategoryInputSerializer(ProductCatalogItemInput):
    parentId = serializers.CharField(source="parent_id", max_length=64, required=False, allow_null=True,
                                     allow_blank=True)
