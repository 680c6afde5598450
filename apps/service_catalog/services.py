"""Writes to the service catalog. Every change emits its TMF633 event (api="tmf633") in the same transaction."""
from django.db import transaction

from bss.errors import ValidationFailed

from .catalog_base import (catalog_item_apply, catalog_item_create, catalog_item_delete, characteristics_replace,
                           lock, next_major_version, rows_by_id)
from .models import (ServiceCandidate, ServiceCatalog, ServiceCategory, ServiceSpecCharacteristic,
                     ServiceSpecification, ServiceSpecRelationship)
from .selectors import service_specification_for_ref

CHARACTERISTIC_COLUMNS = ("name", "description", "value_type", "configurable", "min_cardinality", "max_cardinality",
                          "allowed_values", "default_value", "unit_of_measure")


# --- service specification ---------------------------------------------------------------------------------

def _spec_relationships_replace(spec, relationships) -> bool:
    """relationships: [{"target_id", "relationship_type", "role"}] (target_id is the exact version's id)."""
    targets = rows_by_id(ServiceSpecification, [rel["target_id"] for rel in relationships], "serviceSpecRelationship")
    if any(target.pk == spec.pk for target in targets):
        raise ValidationFailed("a specification cannot relate to itself", reference_error="serviceSpecRelationship")
    ServiceSpecRelationship.objects.filter(source=spec).delete()
    ServiceSpecRelationship.objects.bulk_create([
        ServiceSpecRelationship(source=spec, target=target,
                                relationship_type=rel.get("relationship_type") or "dependency",
                                role=rel.get("role") or "")
        for rel, target in zip(relationships, targets)])
    return True


def _spec_related_replace(spec, *, characteristics=None, relationships=None) -> bool:
    changed = False
    if characteristics is not None:
        changed = characteristics_replace(spec, ServiceSpecCharacteristic, characteristics)
    if relationships is not None:
        changed = _spec_relationships_replace(spec, relationships) or changed
    return changed


@transaction.atomic
def service_specification_create(*, name: str, characteristics=(), relationships=(),
                                 lifecycle_status: str | None = None, **columns) -> ServiceSpecification:
    """columns: version, description, valid_from/valid_to, at_type (CFS/RFS), is_bundle, family, activator,
    step_timeouts, reconcile_every_seconds, config_template, resource_specifications."""
    _config_template_check(columns.get("config_template") or {}, characteristics)
    return catalog_item_create(
        ServiceSpecification, lifecycle_status=lifecycle_status,
        name=name, fill=lambda spec: _spec_related_replace(spec, characteristics=characteristics,
                                                           relationships=relationships),
        **columns)


@transaction.atomic
def service_specification_update(*, spec: ServiceSpecification, characteristics=None, relationships=None,
                                 lifecycle_status: str | None = None, **changes) -> ServiceSpecification:
    spec = lock(ServiceSpecification, spec.pk)
    if "config_template" in changes or characteristics is not None:
        current = [{"name": c.name} for c in spec.characteristics.all()]
        _config_template_check(changes.get("config_template", spec.config_template),
                               current if characteristics is None else characteristics)
    relations_changed = _spec_related_replace(spec, characteristics=characteristics, relationships=relationships)
    catalog_item_apply(spec, changes, lifecycle_status=lifecycle_status, relations_changed=relations_changed)
    return spec


@transaction.atomic
def service_specification_delete(*, spec: ServiceSpecification) -> None:
    catalog_item_delete(lock(ServiceSpecification, spec.pk))


@transaction.atomic
def service_specification_new_version(*, spec: ServiceSpecification,
                                      version: str | None = None) -> ServiceSpecification:
    """A copy of this version (characteristics, relationships, activation data) as the lineage's next version."""
    source = ServiceSpecification.objects.prefetch_related("characteristics", "relationships").get(pk=spec.pk)
    versions = ServiceSpecification.objects.filter(lineage=source.lineage).values_list("version", flat=True)
    columns = {field: getattr(source, field) for field in (
        "description", "valid_from", "valid_to", "at_type", "at_base_type", "at_schema_location", "is_bundle",
        "family", "activator", "step_timeouts", "reconcile_every_seconds", "config_template",
        "resource_specifications")}
    return service_specification_create(
        name=source.name, version=version or next_major_version(versions),
        characteristics=[{column: getattr(c, column) for column in CHARACTERISTIC_COLUMNS}
                         for c in source.characteristics.all()],
        relationships=[{"target_id": rel.target_id, "relationship_type": rel.relationship_type, "role": rel.role}
                       for rel in source.relationships.all()],
        **columns)


def _config_template_check(template: dict, characteristics) -> None:
    """The configuration template maps this spec's own characteristics to network parameter names."""
    if not isinstance(template, dict) or not all(isinstance(v, str) and v for v in template.values()):
        raise ValidationFailed("configTemplate maps characteristic names to network parameter names",
                               reference_error="configTemplate")
    names = {c["name"] for c in characteristics}
    unknown = sorted(set(template) - names)
    if unknown:
        raise ValidationFailed(f"configTemplate names unknown characteristic {unknown[0]!r}",
                               reference_error="configTemplate")


# --- catalog, category, candidate --------------------------------------------------------------------------

@transaction.atomic
def service_catalog_create(*, name: str, category_ids=(), lifecycle_status: str | None = None,
                           **columns) -> ServiceCatalog:
    categories = rows_by_id(ServiceCategory, category_ids, "category")
    return catalog_item_create(ServiceCatalog, lifecycle_status=lifecycle_status, name=name,
                               fill=lambda catalog: catalog.categories.set(categories), **columns)


@transaction.atomic
def service_catalog_update(*, catalog: ServiceCatalog, category_ids=None, lifecycle_status: str | None = None,
                           **changes) -> ServiceCatalog:
    catalog = lock(ServiceCatalog, catalog.pk)
    if category_ids is not None:
        catalog.categories.set(rows_by_id(ServiceCategory, category_ids, "category"))
    catalog_item_apply(catalog, changes, lifecycle_status=lifecycle_status,
                       relations_changed=category_ids is not None)
    return catalog


@transaction.atomic
def service_catalog_delete(*, catalog: ServiceCatalog) -> None:
    catalog_item_delete(lock(ServiceCatalog, catalog.pk))


def _parent(parent_id):
    return rows_by_id(ServiceCategory, [parent_id], "parentId")[0] if parent_id else None


@transaction.atomic
def service_category_create(*, name: str, parent_id: str | None = None, lifecycle_status: str | None = None,
                            **columns) -> ServiceCategory:
    return catalog_item_create(ServiceCategory, lifecycle_status=lifecycle_status, name=name,
                               parent=_parent(parent_id), **columns)


@transaction.atomic
def service_category_update(*, category: ServiceCategory, lifecycle_status: str | None = None,
                            **changes) -> ServiceCategory:
    category = lock(ServiceCategory, category.pk)
    if "parent_id" in changes:
        changes["parent"] = _parent(changes.pop("parent_id"))
        if changes["parent"] is not None and changes["parent"].pk == category.pk:
            raise ValidationFailed("a category cannot be its own parent", reference_error="parentId")
    catalog_item_apply(category, changes, lifecycle_status=lifecycle_status)
    return category


@transaction.atomic
def service_category_delete(*, category: ServiceCategory) -> None:
    catalog_item_delete(lock(ServiceCategory, category.pk))


def _candidate_spec(spec_id, version):
    spec = service_specification_for_ref(spec_id=spec_id, version=version) if spec_id else None
    if spec_id and spec is None:
        raise ValidationFailed(f"unknown serviceSpecification {spec_id!r} version {version!r}",
                               reference_error="serviceSpecification")
    return spec


@transaction.atomic
def service_candidate_create(*, name: str, service_spec_id: str | None = None, service_spec_version: str | None = None,
                             category_ids=(), lifecycle_status: str | None = None, **columns) -> ServiceCandidate:
    spec = _candidate_spec(service_spec_id, service_spec_version)
    categories = rows_by_id(ServiceCategory, category_ids, "category")
    return catalog_item_create(ServiceCandidate, lifecycle_status=lifecycle_status, name=name,
                               service_specification=spec,
                               fill=lambda candidate: candidate.categories.set(categories), **columns)


@transaction.atomic
def service_candidate_update(*, candidate: ServiceCandidate, category_ids=None, lifecycle_status: str | None = None,
                             **changes) -> ServiceCandidate:
    candidate = lock(ServiceCandidate, candidate.pk)
    if "service_spec_id" in changes:
        changes["service_specification"] = _candidate_spec(changes.pop("service_spec_id"),
                                                           changes.pop("service_spec_version", None))
    if category_ids is not None:
        candidate.categories.set(rows_by_id(ServiceCategory, category_ids, "category"))
    catalog_item_apply(candidate, changes, lifecycle_status=lifecycle_status,
                       relations_changed=category_ids is not None)
    return candidate


@transaction.atomic
def service_candidate_delete(*, candidate: ServiceCandidate) -> None:
    catalog_item_delete(lock(ServiceCandidate, candidate.pk))
