from bss.api.routers import tmf_api_version_urls

from ..urls import BASE
from ..views import ProductViewSet
from . import DIALECT

urlpatterns = [tmf_api_version_urls(
    family="tmf637", dialect=DIALECT, v4_base_path=BASE, base_path="tmf-api/productInventory/v5/",
    title="Product Inventory", version="5.0.0", resources=[("product", ProductViewSet)])]
