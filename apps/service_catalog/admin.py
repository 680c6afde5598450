from django.contrib import admin

from . import services
from .catalog_admin import CatalogItemAdmin
from .models import (ServiceCandidate, ServiceCatalog, ServiceCategory, ServiceSpecCharacteristic,
                     ServiceSpecification, ServiceSpecRelationship)


class ServiceSpecCharacteristicInline(admin.TabularInline):
    model = ServiceSpecCharacteristic
    extra = 0


class ServiceSpecRelationshipInline(admin.TabularInline):
    model = ServiceSpecRelationship
    fk_name = "source"
    extra = 0
    autocomplete_fields = ("target",)


@admin.register(ServiceSpecification)
class ServiceSpecificationAdmin(CatalogItemAdmin):
    list_display = ("name", "version", "at_type", "family", "activator", "lifecycle_status", "updated_at")
    list_filter = ("lifecycle_status", "family", "at_type", "is_bundle")
    readonly_fields = CatalogItemAdmin.readonly_fields + ("lineage",)
    inlines = [ServiceSpecCharacteristicInline, ServiceSpecRelationshipInline]
    new_version_service = staticmethod(lambda spec: services.service_specification_new_version(spec=spec))


@admin.register(ServiceCatalog)
class ServiceCatalogAdmin(CatalogItemAdmin):
    filter_horizontal = ("categories",)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(CatalogItemAdmin):
    list_display = ("name", "parent", "version", "lifecycle_status", "updated_at")


@admin.register(ServiceCandidate)
class ServiceCandidateAdmin(CatalogItemAdmin):
    list_display = ("name", "service_specification", "version", "lifecycle_status", "updated_at")
    autocomplete_fields = ("service_specification",)
    filter_horizontal = ("categories",)
