from bss.api.routers import tmf_api_version_urls

from ..urls import BASE
from ..views import ShoppingCartViewSet
from . import DIALECT

urlpatterns = [tmf_api_version_urls(
    family="tmf663", dialect=DIALECT, v4_base_path=BASE, base_path="tmf-api/shoppingCart/v5/",
    title="Shopping Cart", version="5.0.0", resources=[("shoppingCart", ShoppingCartViewSet)])]
