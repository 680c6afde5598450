from bss.api.routers import tmf_api_version_urls

from ..urls import BASE
from ..views import ProductOfferingQualificationViewSet
from . import DIALECT

urlpatterns = [tmf_api_version_urls(
    family="tmf679", dialect=DIALECT, v4_base_path=BASE, base_path="tmf-api/productOfferingQualification/v5/",
    title="Product Offering Qualification", version="5.0.0",
    resources=[("productOfferingQualification", ProductOfferingQualificationViewSet)])]
