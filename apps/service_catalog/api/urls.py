from bss.api.routers import tmf_api_urls

from .views import (ExportJobViewSet, ImportJobViewSet, ServiceCandidateViewSet, ServiceCatalogViewSet,
                    ServiceCategoryViewSet, ServiceSpecificationViewSet)

urlpatterns = [tmf_api_urls(
    api="tmf633", base_path="tmf-api/serviceCatalogManagement/v4/", title="TMF633 Service Catalog Management",
    version="4.0.0", resources=[
        ("serviceCatalog", ServiceCatalogViewSet),
        ("serviceCategory", ServiceCategoryViewSet),
        ("serviceCandidate", ServiceCandidateViewSet),
        ("serviceSpecification", ServiceSpecificationViewSet),
        ("importJob", ImportJobViewSet),
        ("exportJob", ExportJobViewSet),
    ])]
