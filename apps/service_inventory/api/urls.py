from bss.api.routers import tmf_api_urls
from bss.events import register_renderer

from .. import selectors
from .serializers import ServiceSerializer
from .views import ServiceViewSet


def _render_service(service_id):
    service = selectors.service_get(service_id=service_id)
    return ServiceSerializer(service).data if service else None


register_renderer("service", _render_service)

BASE = "tmf-api/serviceInventory/v4/"

urlpatterns = [tmf_api_urls(api="tmf638", base_path=BASE, title="Service Inventory",
                            version="4.0.0", resources=[("service", ServiceViewSet)])]
