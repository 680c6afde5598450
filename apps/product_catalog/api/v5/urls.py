from bss.api.routers import tmf_api_version_urls

from ..urls import BASE
from ..views import (CatalogViewSet, CategoryViewSet, ExportJobViewSet, ImportJobViewSet, ProductOfferingPriceViewSet,
                     ProductOfferingViewSet, ProductSpecificationViewSet)
from . import DIALECT

urlpatterns = [tmf_api_version_urls(
    family="tmf620", dialect=DIALECT, v4_base_path=BASE, base_path="tmf-api/productCatalogManagement/v5/",
    title="TMF620 Product Catalog Management", version="5.0.0", resources=[
        ("catalog", CatalogViewSet),
        ("category", CategoryViewSet),
        ("productOffering", ProductOfferingViewSet),
        ("productOfferingPrice", ProductOfferingPriceViewSet),
        ("productSpecification", ProductSpecificationViewSet),
        ("importJob", ImportJobViewSet),
        ("exportJob", ExportJobViewSet),
    ])]
