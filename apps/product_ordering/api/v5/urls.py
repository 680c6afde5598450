from bss.api.routers import tmf_api_version_urls

from ..urls import BASE
from ..views import CancelProductOrderViewSet, ProductOrderViewSet
from . import DIALECT

urlpatterns = [tmf_api_version_urls(
    family="tmf622", dialect=DIALECT, v4_base_path=BASE, base_path="tmf-api/productOrderingManagement/v5/",
    title="Product Ordering", version="5.0.0",
    resources=[("productOrder", ProductOrderViewSet), ("cancelProductOrder", CancelProductOrderViewSet)])]
