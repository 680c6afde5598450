from bss.api.catalog import CatalogResource, catalog_job_viewsets, catalog_viewset

from .. import selectors, services
from ..catalog_base import catalog_job_delete, catalog_job_record
from ..filtersets import (ServiceCandidateFilterSet, ServiceCatalogFilterSet, ServiceCategoryFilterSet,
                          ServiceSpecificationFilterSet)
from ..models import ServiceCatalogJob
from .serializers import (API, ServiceCandidateInputSerializer, ServiceCandidateSerializer,
                          ServiceCatalogInputSerializer, ServiceCatalogSerializer, ServiceCategoryInputSerializer,
                          ServiceCategorySerializer, ServiceSpecificationInputSerializer,
                          ServiceSpecificationSerializer)

ServiceSpecificationViewSet = catalog_viewset(
    "serviceSpecification", api=API, queryset=selectors.service_specification_queryset(),
    serializer=ServiceSpecificationSerializer, input_serializer=ServiceSpecificationInputSerializer,
    filterset=ServiceSpecificationFilterSet,
    create=lambda data: services.service_specification_create(**data),
    update=lambda spec, data: services.service_specification_update(spec=spec, **data),
    delete=lambda spec: services.service_specification_delete(spec=spec))

ServiceCatalogViewSet = catalog_viewset(
    "serviceCatalog", api=API, queryset=selectors.service_catalog_queryset(),
    serializer=ServiceCatalogSerializer, input_serializer=ServiceCatalogInputSerializer,
    filterset=ServiceCatalogFilterSet,
    create=lambda data: services.service_catalog_create(**data),
    update=lambda catalog, data: services.service_catalog_update(catalog=catalog, **data),
    delete=lambda catalog: services.service_catalog_delete(catalog=catalog))

ServiceCategoryViewSet = catalog_viewset(
    "serviceCategory", api=API, queryset=selectors.service_category_queryset(),
    serializer=ServiceCategorySerializer, input_serializer=ServiceCategoryInputSerializer,
    filterset=ServiceCategoryFilterSet,
    create=lambda data: services.service_category_create(**data),
    update=lambda category, data: services.service_category_update(category=category, **data),
    delete=lambda category: services.service_category_delete(category=category))

ServiceCandidateViewSet = catalog_viewset(
    "serviceCandidate", api=API, queryset=selectors.service_candidate_queryset(),
    serializer=ServiceCandidateSerializer, input_serializer=ServiceCandidateInputSerializer,
    filterset=ServiceCandidateFilterSet,
    create=lambda data: services.service_candidate_create(**data),
    update=lambda candidate, data: services.service_candidate_update(candidate=candidate, **data),
    delete=lambda candidate: services.service_candidate_delete(candidate=candidate))

# Import order: what is referenced comes before what references it.
ImportJobViewSet, ExportJobViewSet = catalog_job_viewsets(
    api=API, job_model=ServiceCatalogJob,
    record=lambda **fields: catalog_job_record(ServiceCatalogJob, **fields),
    delete=lambda job: catalog_job_delete(job=job),
    resources={"serviceSpecification": CatalogResource.of(ServiceSpecificationViewSet),
               "serviceCategory": CatalogResource.of(ServiceCategoryViewSet),
               "serviceCandidate": CatalogResource.of(ServiceCandidateViewSet),
               "serviceCatalog": CatalogResource.of(ServiceCatalogViewSet)})
