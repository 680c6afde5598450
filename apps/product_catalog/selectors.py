"""Reads of the product catalog (docs/contracts.md): every list is a constant number of queries."""
from django.db.models import Prefetch

from apps.service_catalog.catalog_base import characteristic_value_valid, lineage_of, newest_version, ref_resolve

from .models import (BundledOffering, Catalog, Category, OfferingRelationship, ProductOffering,
                     ProductOfferingPrice, ProductSpecification, ProductSpecRelationship)


def product_specification_queryset():
    return ProductSpecification.objects.prefetch_related(
        "characteristics", "service_refs",
        Prefetch("relationships", queryset=ProductSpecRelationship.objects.select_related("target")),
    )


def product_offering_queryset():
    return ProductOffering.objects.select_related("product_specification").prefetch_related(
        "offering_prices", "categories",
        "product_specification__characteristics", "product_specification__service_refs",
        # A bundle's components come with their specs, characteristics and prices (COM reads them all).
        Prefetch("bundle_links", queryset=BundledOffering.objects.select_related(
            "offering__product_specification").prefetch_related(
            "offering__product_specification__characteristics", "offering__offering_prices")),
        Prefetch("relationships", queryset=OfferingRelationship.objects.select_related("target")),
    )


def product_offering_price_queryset():
    return ProductOfferingPrice.objects.all()


def catalog_queryset():
    return Catalog.objects.prefetch_related("categories")


def category_queryset():
    return Category.objects.select_related("parent").prefetch_related("children", "offerings")


def product_offering_versions(*, offering_id) -> list[ProductOffering]:
    """Every version of the offering that offering_id names (any version's id, or the lineage id)."""
    lineage = lineage_of(ProductOffering, offering_id)
    if lineage is None:
        return []
    return list(product_offering_queryset().filter(lineage=lineage))


def product_offering_get(*, offering_id: str, version: str | None = None) -> ProductOffering | None:
    """That version of the offering; `version=None`: the newest sellable version (or the newest at all)."""
    rows = product_offering_versions(offering_id=offering_id)
    if version is not None:
        return next((row for row in rows if row.version == version), None)
    return newest_version(rows)


def product_offering_is_sellable(*, offering: ProductOffering) -> bool:
    """Lifecycle active/launched and validFor covers now."""
    return offering.is_sellable


def product_offering_characteristics_errors(*, offering: ProductOffering, values: dict) -> list[str]:
    """What is wrong with characteristic values chosen for an offering ([] when nothing): unknown names, values of
    the wrong type or not allowed, mandatory characteristics missing (a default counts as given)."""
    spec = offering.product_specification
    characteristics = {c.name: c for c in spec.characteristics.all()} if spec else {}
    errors = [f"unknown characteristic {name!r}" for name in values if name not in characteristics]
    for name, characteristic in characteristics.items():
        if name in values:
            if not characteristic_value_valid(characteristic=characteristic, value=values[name]):
                allowed = f" (allowed: {characteristic.allowed_values})" if characteristic.allowed_values else ""
                errors.append(f"{name}: {values[name]!r} is not a valid {characteristic.value_type}{allowed}")
        elif characteristic.is_mandatory and characteristic.default_value is None:
            errors.append(f"{name} is required")
    return errors


def product_offering_by_name(*, name: str, version: str | None = None) -> ProductOffering | None:
    lineage = ProductOffering.objects.filter(name=name).values_list("lineage", flat=True).first()
    return product_offering_get(offering_id=lineage, version=version) if lineage else None


def product_offering_list(*, sellable_only: bool = False) -> list[ProductOffering]:
    rows = list(product_offering_queryset())
    return [row for row in rows if row.is_sellable] if sellable_only else rows


def product_specification_get(*, spec_id: str, version: str | None = None) -> ProductSpecification | None:
    lineage = lineage_of(ProductSpecification, spec_id)
    rows = list(product_specification_queryset().filter(lineage=lineage)) if lineage else []
    if version is not None:
        return next((row for row in rows if row.version == version), None)
    return newest_version(rows)


def product_specification_by_name(*, name: str, version: str | None = None) -> ProductSpecification | None:
    lineage = ProductSpecification.objects.filter(name=name).values_list("lineage", flat=True).first()
    return product_specification_get(spec_id=lineage, version=version) if lineage else None


def product_specification_for_ref(*, spec_id: str, version: str | None = None) -> ProductSpecification | None:
    """The spec a TMF ref names: that exact version row when spec_id is one, else that version of its lineage."""
    return ref_resolve(product_specification_queryset(), spec_id, version)
