from django.contrib import admin

from apps.service_catalog.catalog_admin import CatalogItemAdmin

from . import services
from .models import (BundledOffering, Catalog, Category, OfferingRelationship, ProductOffering, ProductOfferingPrice,
                     ProductSpecCharacteristic, ProductSpecification, ProductSpecRelationship, ProductSpecServiceRef)


class ProductSpecCharacteristicInline(admin.TabularInline):
    model = ProductSpecCharacteristic
    extra = 0


class ProductSpecServiceRefInline(admin.TabularInline):
    model = ProductSpecServiceRef
    extra = 0
    verbose_name = "service specification (id + version)"


class ProductSpecRelationshipInline(admin.TabularInline):
    model = ProductSpecRelationship
    fk_name = "source"
    extra = 0
    autocomplete_fields = ("target",)


class BundledOfferingInline(admin.TabularInline):
    model = BundledOffering
    fk_name = "bundle"
    extra = 0
    autocomplete_fields = ("offering",)


class OfferingRelationshipInline(admin.TabularInline):
    model = OfferingRelationship
    fk_name = "source"
    extra = 0
    autocomplete_fields = ("target",)


class OfferingPriceInline(admin.TabularInline):
    model = ProductOffering.offering_prices.through
    extra = 0
    verbose_name = "price"
    autocomplete_fields = ("productofferingprice",)


@admin.register(ProductSpecification)
class ProductSpecificationAdmin(CatalogItemAdmin):
    list_display = ("name", "version", "brand", "is_bundle", "lifecycle_status", "updated_at")
    list_filter = ("lifecycle_status", "is_bundle")
    readonly_fields = CatalogItemAdmin.readonly_fields + ("lineage",)
    inlines = [ProductSpecCharacteristicInline, ProductSpecServiceRefInline, ProductSpecRelationshipInline]
    new_version_service = staticmethod(lambda spec: services.product_specification_new_version(spec=spec))


@admin.register(ProductOffering)
class ProductOfferingAdmin(CatalogItemAdmin):
    list_display = ("name", "version", "is_bundle", "sold_standalone", "product_specification", "lifecycle_status",
                    "valid_from", "valid_to", "updated_at")
    list_filter = ("lifecycle_status", "is_bundle", "sold_standalone", "categories")
    readonly_fields = CatalogItemAdmin.readonly_fields + ("lineage",)
    exclude = ("offering_prices",)
    filter_horizontal = ("categories",)
    autocomplete_fields = ("product_specification",)
    inlines = [OfferingPriceInline, BundledOfferingInline, OfferingRelationshipInline]
    new_version_service = staticmethod(lambda offering: services.product_offering_new_version(offering=offering))


@admin.register(ProductOfferingPrice)
class ProductOfferingPriceAdmin(CatalogItemAdmin):
    list_display = ("name", "price_type", "amount", "currency", "tax_rate", "lifecycle_status", "updated_at")
    list_filter = ("lifecycle_status", "price_type", "currency")


@admin.register(Catalog)
class CatalogAdmin(CatalogItemAdmin):
    filter_horizontal = ("categories",)


@admin.register(Category)
class CategoryAdmin(CatalogItemAdmin):
    list_display = ("name", "parent", "version", "lifecycle_status", "updated_at")
