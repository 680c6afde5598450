"""Writes to the product catalog. Every change emits its TMF620 event (api="tmf620") in the same transaction."""
from django.db import transaction

from apps.service_catalog.catalog_base import (catalog_item_apply, catalog_item_create, catalog_item_delete,
                                               characteristics_replace, lock, next_major_version, rows_by_id)
from apps.service_catalog.selectors import service_specification_for_ref
from bss.errors import ValidationFailed

from .models import (BundledOffering, Catalog, Category, OfferingRelationship, ProductOffering, ProductOfferingPrice,
                     ProductSpecCharacteristic, ProductSpecification, ProductSpecRelationship, ProductSpecServiceRef)
from .selectors import product_specification_for_ref

CHARACTERISTIC_COLUMNS = ("name", "description", "value_type", "configurable", "min_cardinality", "max_cardinality",
                          "allowed_values", "default_value", "unit_of_measure")


def _copy(source, columns) -> dict:
    return {column: getattr(source, column) for column in columns}


def _next_version(model, source) -> str:
    return next_major_version(model.objects.filter(lineage=source.lineage).values_list("version", flat=True))


# --- product specification ---------------------------------------------------------------------------------

def _service_refs_replace(spec, refs) -> bool:
    """refs: [{"id", "version"?}] of service specifications; each is pinned to an existing version."""
    rows = []
    for ref in refs:
        service_spec = service_specification_for_ref(spec_id=ref["id"], version=ref.get("version") or None)
        if service_spec is None:
            raise ValidationFailed(f"unknown serviceSpecification {ref['id']!r} version {ref.get('version')!r}",
                                   reference_error="serviceSpecification")
        rows.append(ProductSpecServiceRef(specification=spec, service_spec_id=str(service_spec.pk),
                                          service_spec_version=service_spec.version, name=service_spec.name))
    if len({(row.service_spec_id, row.service_spec_version) for row in rows}) != len(rows):
        raise ValidationFailed("a service specification is listed twice", reference_error="serviceSpecification")
    ProductSpecServiceRef.objects.filter(specification=spec).delete()
    ProductSpecServiceRef.objects.bulk_create(rows)
    return True


def _spec_relationships_replace(spec, relationships) -> bool:
    targets = rows_by_id(ProductSpecification, [rel["target_id"] for rel in relationships],
                         "productSpecificationRelationship")
    if any(target.pk == spec.pk for target in targets):
        raise ValidationFailed("a specification cannot relate to itself",
                               reference_error="productSpecificationRelationship")
    ProductSpecRelationship.objects.filter(source=spec).delete()
    ProductSpecRelationship.objects.bulk_create([
        ProductSpecRelationship(source=spec, target=target,
                                relationship_type=rel.get("relationship_type") or "dependency")
        for rel, target in zip(relationships, targets)])
    return True


def _spec_related_replace(spec, *, characteristics=None, service_spec_refs=None, relationships=None) -> bool:
    changed = False
    if characteristics is not None:
        changed = characteristics_replace(spec, ProductSpecCharacteristic, characteristics)
    if service_spec_refs is not None:
        changed = _service_refs_replace(spec, service_spec_refs) or changed
    if relationships is not None:
        changed = _spec_relationships_replace(spec, relationships) or changed
    return changed


@transaction.atomic
def product_specification_create(*, name: str, characteristics=(), service_spec_refs=(), relationships=(),
                                 lifecycle_status: str | None = None, **columns) -> ProductSpecification:
    """columns: version, description, valid_from/valid_to, brand, product_number, is_bundle,
    resource_specifications, at_type…; service_spec_refs: [{"id", "version"}] (the product→service link)."""
    return catalog_item_create(
        ProductSpecification, lifecycle_status=lifecycle_status,
        name=name, fill=lambda spec: _spec_related_replace(
            spec, characteristics=characteristics, service_spec_refs=service_spec_refs, relationships=relationships),
        **columns)


@transaction.atomic
def product_specification_update(*, spec: ProductSpecification, characteristics=None, service_spec_refs=None,
                                 relationships=None, lifecycle_status: str | None = None,
                                 **changes) -> ProductSpecification:
    spec = lock(ProductSpecification, spec.pk)
    relations_changed = _spec_related_replace(spec, characteristics=characteristics,
                                              service_spec_refs=service_spec_refs, relationships=relationships)
    catalog_item_apply(spec, changes, lifecycle_status=lifecycle_status, relations_changed=relations_changed)
    return spec


@transaction.atomic
def product_specification_delete(*, spec: ProductSpecification) -> None:
    catalog_item_delete(lock(ProductSpecification, spec.pk))


@transaction.atomic
def product_specification_new_version(*, spec: ProductSpecification,
                                      version: str | None = None) -> ProductSpecification:
    """A copy of this version (characteristics, service refs, relationships) as the lineage's next version."""
    source = ProductSpecification.objects.get(pk=spec.pk)
    return product_specification_create(
        name=source.name, version=version or _next_version(ProductSpecification, source),
        characteristics=[_copy(c, CHARACTERISTIC_COLUMNS) for c in source.characteristics.all()],
        service_spec_refs=[{"id": r.service_spec_id, "version": r.service_spec_version}
                           for r in source.service_refs.all()],
        relationships=[{"target_id": r.target_id, "relationship_type": r.relationship_type}
                       for r in source.relationships.all()],
        **_copy(source, ("description", "valid_from", "valid_to", "at_type", "at_base_type", "at_schema_location",
                         "brand", "product_number", "is_bundle", "resource_specifications")))


# --- product offering price --------------------------------------------------------------------------------

PRICE_COLUMNS = ("description", "valid_from", "valid_to", "at_type", "at_base_type", "at_schema_location",
                 "price_type", "is_bundle", "amount", "currency", "tax_rate", "tax_category", "recurring_period_type",
                 "recurring_period_length", "unit_of_measure")


@transaction.atomic
def product_offering_price_create(*, name: str, lifecycle_status: str | None = None,
                                  **columns) -> ProductOfferingPrice:
    """columns: price_type (recurring/oneTime/usage), amount (tax excluded), currency, tax_rate (%), tax_category,
    recurring_period_type/length, unit_of_measure, version, description, valid_from/valid_to."""
    return catalog_item_create(ProductOfferingPrice, lifecycle_status=lifecycle_status, name=name, **columns)


@transaction.atomic
def product_offering_price_update(*, price: ProductOfferingPrice, lifecycle_status: str | None = None,
                                  **changes) -> ProductOfferingPrice:
    price = lock(ProductOfferingPrice, price.pk)
    catalog_item_apply(price, changes, lifecycle_status=lifecycle_status)
    return price


@transaction.atomic
def product_offering_price_delete(*, price: ProductOfferingPrice) -> None:
    catalog_item_delete(lock(ProductOfferingPrice, price.pk))


# --- product offering --------------------------------------------------------------------------------------

def _offering_spec(ref) -> tuple[ProductSpecification | None, dict | None]:
    """(local spec, external ref) for a productSpecification ref. An unknown id that comes with an href is a
    specification of another catalog: kept as given. An unknown id without one is refused."""
    if not ref:
        return None, None
    spec = product_specification_for_ref(spec_id=ref["id"], version=ref.get("version") or None)
    if spec is not None:
        return spec, None
    if ref.get("href"):
        return None, {key: ref[key] for key in ("id", "href", "name", "version") if ref.get(key)}
    raise ValidationFailed(f"unknown productSpecification {ref['id']!r}", reference_error="productSpecification")


def _bundle_replace(offering, bundled) -> bool:
    """bundled: [{"offering_id", "lower_limit", "upper_limit", "default_count"}] (exact versions)."""
    children = rows_by_id(ProductOffering, [item["offering_id"] for item in bundled], "bundledProductOffering")
    if any(child.pk == offering.pk or child.is_bundle for child in children):
        raise ValidationFailed("a bundle holds plain offerings, never itself or another bundle",
                               reference_error="bundledProductOffering")
    links = [BundledOffering(bundle=offering, offering=child, lower_limit=item.get("lower_limit", 1),
                             upper_limit=item.get("upper_limit", 1), default_count=item.get("default_count", 1))
             for item, child in zip(bundled, children)]
    if any(not (link.lower_limit <= link.default_count <= link.upper_limit) for link in links):
        raise ValidationFailed("bundle option limits must satisfy lower <= default <= upper",
                               reference_error="bundledProductOfferingOption")
    BundledOffering.objects.filter(bundle=offering).delete()
    BundledOffering.objects.bulk_create(links)
    return True


def _offering_relationships_replace(offering, relationships) -> bool:
    targets = rows_by_id(ProductOffering, [rel["target_id"] for rel in relationships], "productOfferingRelationship")
    if any(target.pk == offering.pk for target in targets):
        raise ValidationFailed("an offering cannot relate to itself", reference_error="productOfferingRelationship")
    OfferingRelationship.objects.filter(source=offering).delete()
    OfferingRelationship.objects.bulk_create([
        OfferingRelationship(source=offering, target=target,
                             relationship_type=rel.get("relationship_type") or "requires")
        for rel, target in zip(relationships, targets)])
    return True


def _offering_related_replace(offering, *, price_ids=None, category_ids=None, bundled=None,
                              relationships=None) -> bool:
    changed = False
    if price_ids is not None:
        offering.offering_prices.set(rows_by_id(ProductOfferingPrice, price_ids, "productOfferingPrice"))
        changed = True
    if category_ids is not None:
        offering.categories.set(rows_by_id(Category, category_ids, "category"))
        changed = True
    if bundled is not None:
        changed = _bundle_replace(offering, bundled) or changed
    if relationships is not None:
        changed = _offering_relationships_replace(offering, relationships) or changed
    return changed


@transaction.atomic
def product_offering_create(*, name: str, product_spec_ref: dict | None = None, price_ids=(), category_ids=(),
                            bundled=(), relationships=(), lifecycle_status: str | None = None,
                            **columns) -> ProductOffering:
    """columns: version, description, valid_from/valid_to, is_bundle (default: whether `bundled` is given),
    sold_standalone, status_reason, at_type…; product_spec_ref: {"id", "version"?, "href"?, "name"?}."""
    spec, external = _offering_spec(product_spec_ref)
    columns.setdefault("is_bundle", bool(bundled))
    return catalog_item_create(
        ProductOffering, lifecycle_status=lifecycle_status, name=name,
        product_specification=spec, external_specification=external,
        fill=lambda offering: _offering_related_replace(offering, price_ids=price_ids, category_ids=category_ids,
                                                        bundled=bundled, relationships=relationships),
        **columns)


@transaction.atomic
def product_offering_update(*, offering: ProductOffering, price_ids=None, category_ids=None, bundled=None,
                            relationships=None, lifecycle_status: str | None = None, **changes) -> ProductOffering:
    offering = lock(ProductOffering, offering.pk)
    if "product_spec_ref" in changes:
        changes["product_specification"], changes["external_specification"] = _offering_spec(
            changes.pop("product_spec_ref"))
    relations_changed = _offering_related_replace(offering, price_ids=price_ids, category_ids=category_ids,
                                                  bundled=bundled, relationships=relationships)
    catalog_item_apply(offering, changes, lifecycle_status=lifecycle_status, relations_changed=relations_changed)
    return offering


@transaction.atomic
def product_offering_delete(*, offering: ProductOffering) -> None:
    catalog_item_delete(lock(ProductOffering, offering.pk))


@transaction.atomic
def product_offering_new_version(*, offering: ProductOffering, version: str | None = None) -> ProductOffering:
    """A copy of this version (spec, prices, categories, bundle, relationships) as the lineage's next version."""
    source = ProductOffering.objects.get(pk=offering.pk)
    spec = source.product_specification
    return product_offering_create(
        name=source.name, version=version or _next_version(ProductOffering, source),
        product_spec_ref={"id": str(spec.pk), "version": spec.version} if spec else source.external_specification,
        price_ids=[p.pk for p in source.offering_prices.all()],
        category_ids=[c.pk for c in source.categories.all()],
        bundled=[{"offering_id": link.offering_id, "lower_limit": link.lower_limit, "upper_limit": link.upper_limit,
                  "default_count": link.default_count} for link in source.bundle_links.all()],
        relationships=[{"target_id": r.target_id, "relationship_type": r.relationship_type}
                       for r in source.relationships.all()],
        **_copy(source, ("description", "valid_from", "valid_to", "at_type", "at_base_type", "at_schema_location",
                         "is_bundle", "sold_standalone")))


# --- catalog, category -------------------------------------------------------------------------------------

@transaction.atomic
def catalog_create(*, name: str, category_ids=(), lifecycle_status: str | None = None, **columns) -> Catalog:
    categories = rows_by_id(Category, category_ids, "category")
    return catalog_item_create(Catalog, lifecycle_status=lifecycle_status,
                               name=name, fill=lambda catalog: catalog.categories.set(categories), **columns)


@transaction.atomic
def catalog_update(*, catalog: Catalog, category_ids=None, lifecycle_status: str | None = None, **changes) -> Catalog:
    catalog = lock(Catalog, catalog.pk)
    if category_ids is not None:
        catalog.categories.set(rows_by_id(Category, category_ids, "category"))
    catalog_item_apply(catalog, changes, lifecycle_status=lifecycle_status,
                       relations_changed=category_ids is not None)
    return catalog


@transaction.atomic
def catalog_delete(*, catalog: Catalog) -> None:
    catalog_item_delete(lock(Catalog, catalog.pk))


def _parent(parent_id):
    return rows_by_id(Category, [parent_id], "parentId")[0] if parent_id else None


@transaction.atomic
def category_create(*, name: str, parent_id: str | None = None, lifecycle_status: str | None = None,
                    **columns) -> Category:
    return catalog_item_create(Category, lifecycle_status=lifecycle_status,
                               name=name, parent=_parent(parent_id), **columns)


@transaction.atomic
def category_update(*, category: Category, lifecycle_status: str | None = None, **changes) -> Category:
    category = lock(Category, category.pk)
    if "parent_id" in changes:
        changes["parent"] = _parent(changes.pop("parent_id"))
        if changes["parent"] is not None and changes["parent"].pk == category.pk:
            raise ValidationFailed("a category cannot be its own parent", reference_error="parentId")
    catalog_item_apply(category, changes, lifecycle_status=lifecycle_status)
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    catalog_item_delete(lock(Category, category.pk))
