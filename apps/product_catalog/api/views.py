from apps.service_catalog.catalog_base import catalog_job_delete, catalog_job_record
from bss.api.catalog import CatalogResource, catalog_job_viewsets, catalog_viewset

from .. import selectors, services
from ..filtersets import (CatalogFilterSet, CategoryFilterSet, ProductOfferingFilterSet,
                          ProductOfferingPriceFilterSet, ProductSpecificationFilterSet)
from ..models import ProductCatalogJob
from .serializers import (API, CatalogInputSerializer, CatalogSerializer, CategoryInputSerializer, CategorySerializer,
                          ProductOfferingInputSerializer, ProductOfferingPriceInputSerializer,
                          ProductOfferingPriceSerializer, ProductOfferingSerializer,
                          ProductSpecificationInputSerializer, ProductSpecificationSerializer)

ProductOfferingViewSet = catalog_viewset(
    "productOffering", api=API, queryset=selectors.product_offering_queryset(),
    serializer=ProductOfferingSerializer, input_serializer=ProductOfferingInputSerializer,
    filterset=ProductOfferingFilterSet,
    create=lambda data: services.product_offering_create(**data),
    update=lambda offering, data: services.product_offering_update(offering=offering, **data),
    delete=lambda offering: services.product_offering_delete(offering=offering))

ProductOfferingPriceViewSet = catalog_viewset(
    "productOfferingPrice", api=API, queryset=selectors.product_offering_price_queryset(),
    serializer=ProductOfferingPriceSerializer, input_serializer=ProductOfferingPriceInputSerializer,
    filterset=ProductOfferingPriceFilterSet,
    create=lambda data: services.product_offering_price_create(**data),
    update=lambda price, data: services.product_offering_price_update(price=price, **data),
    delete=lambda price: services.product_offering_price_delete(price=price))

ProductSpecificationViewSet = catalog_viewset(
    "productSpecification", api=API, queryset=selectors.product_specification_queryset(),
    serializer=ProductSpecificationSerializer, input_serializer=ProductSpecificationInputSerializer,
    filterset=ProductSpecificationFilterSet,
    create=lambda data: services.product_specification_create(**data),
    update=lambda spec, data: services.product_specification_update(spec=spec, **data),
    delete=lambda spec: services.product_specification_delete(spec=spec))

CatalogViewSet = catalog_viewset(
    "catalog", api=API, queryset=selectors.catalog_queryset(),
    serializer=CatalogSerializer, input_serializer=CatalogInputSerializer, filterset=CatalogFilterSet,
    create=lambda data: services.catalog_create(**data),
    update=lambda catalog, data: services.catalog_update(catalog=catalog, **data),
    delete=lambda catalog: services.catalog_delete(catalog=catalog))

CategoryViewSet = catalog_viewset(
    "category", api=API, queryset=selectors.category_queryset(),
    serializer=CategorySerializer, input_serializer=CategoryInputSerializer, filterset=CategoryFilterSet,
    create=lambda data: services.category_create(**data),
    update=lambda category, data: services.category_update(category=category, **data),
    delete=lambda category: services.category_delete(category=category))


# Import order: what is referenced comes before what references it.
ImportJobViewSet, ExportJobViewSet = catalog_job_viewsets(
    api=API, job_model=ProductCatalogJob,
    record=lambda **fields: catalog_job_record(ProductCatalogJob, **fields),
    delete=lambda job: catalog_job_delete(job=job),
    resources={"productSpecification": CatalogResource.of(ProductSpecificationViewSet),
               "productOfferingPrice": CatalogResource.of(ProductOfferingPriceViewSet),
               "category": CatalogResource.of(CategoryViewSet),
               "productOffering": CatalogResource.of(ProductOfferingViewSet),
               "catalog": CatalogResource.of(CatalogViewSet)})
