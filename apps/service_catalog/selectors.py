"""Reads of the service catalog (docs/contracts.md): every list is a constant number of queries."""
from django.db.models import Prefetch

from .catalog_base import lineage_of, newest_version, ref_resolve
from .models import (ServiceCandidate, ServiceCatalog, ServiceCategory, ServiceSpecification,
                     ServiceSpecRelationship)


def service_specification_queryset():
    return ServiceSpecification.objects.prefetch_related(
        "characteristics",
        Prefetch("relationships", queryset=ServiceSpecRelationship.objects.select_related("target")),
    )


def service_catalog_queryset():
    return ServiceCatalog.objects.prefetch_related("categories")


def service_category_queryset():
    return ServiceCategory.objects.select_related("parent").prefetch_related("children", "candidates")


def service_candidate_queryset():
    return ServiceCandidate.objects.select_related("service_specification").prefetch_related("categories")


def service_specification_versions(*, spec_id) -> list[ServiceSpecification]:
    """Every version of the specification that spec_id names (any version's id, or the lineage id)."""
    lineage = lineage_of(ServiceSpecification, spec_id)
    if lineage is None:
        return []
    return list(service_specification_queryset().filter(lineage=lineage))


def service_specification_get(*, spec_id: str, version: str | None = None) -> ServiceSpecification | None:
    """That version of the specification; `version=None`: the newest active one (or newest at all)."""
    rows = service_specification_versions(spec_id=spec_id)
    if version is not None:
        return next((row for row in rows if row.version == version), None)
    return newest_version(rows)


def service_specification_activation(*, spec_id: str, version: str | None = None) -> dict | None:
    """What activation needs to run a service of this spec (a plain dict: activation caches it)."""
    spec = service_specification_get(spec_id=spec_id, version=version)
    if spec is None:
        return None
    return {
        "id": str(spec.pk),
        "name": spec.name,
        "version": spec.version,
        "is_cfs": spec.is_cfs,
        "family": spec.family,
        "activator": spec.activator,
        "step_timeouts": dict(spec.step_timeouts),
        "reconcile_every_seconds": spec.reconcile_every_seconds,
        "config_template": dict(spec.config_template),
        "characteristics": [{"name": c.name, "value_type": c.value_type, "allowed_values": list(c.allowed_values),
                             "default": c.default_value, "mandatory": c.is_mandatory}
                            for c in spec.characteristics.all()],
        "relies_on": [(str(rel.target_id), rel.target.version) for rel in spec.relationships.all()],
    }


def service_specification_by_name(*, name: str, version: str | None = None) -> ServiceSpecification | None:
    first = ServiceSpecification.objects.filter(name=name).values_list("lineage", flat=True).first()
    return service_specification_get(spec_id=first, version=version) if first else None


def service_specification_list(*, family: str | None = None) -> list[ServiceSpecification]:
    queryset = service_specification_queryset()
    return list(queryset.filter(family=family) if family else queryset)


def service_specification_for_ref(*, spec_id: str, version: str | None = None) -> ServiceSpecification | None:
    """The spec a TMF ref names: that exact version row when spec_id is one, else as service_specification_get."""
    return ref_resolve(service_specification_queryset(), spec_id, version)
