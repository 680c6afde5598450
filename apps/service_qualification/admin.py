from django.contrib import admin

from .models import (CheckServiceQualification, CheckServiceQualificationItem, Coverage, CoverageArea,
                     GeographicAddress, QueryServiceQualification)


class CoverageInline(admin.TabularInline):
    model = Coverage
    extra = 1


@admin.register(CoverageArea)
class CoverageAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    inlines = [CoverageInline]


@admin.register(GeographicAddress)
class GeographicAddressAdmin(admin.ModelAdmin):
    list_display = ("street_name", "street_nr", "postcode", "city", "area")
    list_filter = ("area",)
    search_fields = ("street_name", "postcode", "city")


class CheckItemInline(admin.TabularInline):
    model = CheckServiceQualificationItem
    extra = 0
    readonly_fields = ("qualification_result", "reasons", "alternates", "state")


@admin.register(CheckServiceQualification)
class CheckServiceQualificationAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "state", "qualification_result", "created_at")
    list_filter = ("state", "qualification_result")
    readonly_fields = ("state", "error")
    inlines = [CheckItemInline]


@admin.register(QueryServiceQualification)
class QueryServiceQualificationAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "state", "created_at")
    readonly_fields = ("state", "error", "results")
