from apps.service_catalog.filtersets import CATALOG_ITEM_FILTERS
from bss.api.filters import TMFFilterSet

from .models import Catalog, Category, ProductOffering, ProductOfferingPrice, ProductSpecification


class ProductOfferingFilterSet(TMFFilterSet):
    tmf_fields = {**CATALOG_ITEM_FILTERS, "isBundle": "is_bundle", "isSellable": "sold_standalone",
                  "productSpecification.id": "product_specification", "category.id": "categories"}

    class Meta:
        model = ProductOffering
        fields = []


class ProductSpecificationFilterSet(TMFFilterSet):
    tmf_fields = {**CATALOG_ITEM_FILTERS, "isBundle": "is_bundle", "brand": "brand"}

    class Meta:
        model = ProductSpecification
        fields = []


class ProductOfferingPriceFilterSet(TMFFilterSet):
    tmf_fields = {**CATALOG_ITEM_FILTERS, "priceType": "price_type", "isBundle": "is_bundle"}

    class Meta:
        model = ProductOfferingPrice
        fields = []


class CatalogFilterSet(TMFFilterSet):
    tmf_fields = {**CATALOG_ITEM_FILTERS, "catalogType": "catalog_type"}

    class Meta:
        model = Catalog
        fields = []


class CategoryFilterSet(TMFFilterSet):
    tmf_fields = {**CATALOG_ITEM_FILTERS, "parentId": "parent"}

    class Meta:
        model = Category
        fields = []
