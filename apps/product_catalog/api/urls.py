from bss.api.routers import tmf_api_urls

from .views import (CatalogViewSet, CategoryViewSet, ExportJobViewSet, ImportJobViewSet, ProductOfferingPriceViewSet,
                    ProductOfferingViewSet, ProductSpecificationViewSet)

BASE = "tmf-api/productCatalogManagement/v4/"

urlpatterns = [tmf_api_urls(
    api="tmf620", base_path=BASE, title="TMF620 Product Catalog Management",
    version="4.1.0", resources=[
        ("catalog", CatalogViewSet),
        ("category", CategoryViewSet),
        ("productOffering", ProductOfferingViewSet),
        ("productOfferingPrice", ProductOfferingPriceViewSet),
        ("productSpecification", ProductSpecificationViewSet),
        ("importJob", ImportJobViewSet),
        ("exportJob", ExportJobViewSet),
    ])]
