from bss.api.routers import tmf_api_version_urls

from ..urls import BASE
from ..views import ServiceViewSet
from . import DIALECT

urlpatterns = [tmf_api_version_urls(
    family="tmf638", dialect=DIALECT, v4_base_path=BASE, base_path="tmf-api/serviceInventory/v5/",
    title="Service Inventory", version="5.0.0", resources=[("service", ServiceViewSet)])]
