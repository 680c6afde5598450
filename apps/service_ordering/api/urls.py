from bss.api.routers import tmf_api_urls
from bss.events import register_renderer

from .. import selectors
from .serializers import CancelServiceOrderSerializer, ServiceOrderSerializer
from .views import CancelServiceOrderViewSet, ServiceOrderViewSet


def _render_order(order_id):
    order = selectors.service_order_get(service_order_id=order_id)
    return ServiceOrderSerializer(order).data if order else None


def _render_cancel(cancel_id):
    cancellation = selectors.cancel_service_order_get(cancel_id=cancel_id)
    return CancelServiceOrderSerializer(cancellation).data if cancellation else None


register_renderer("serviceOrder", _render_order)
register_renderer("cancelServiceOrder", _render_cancel)

urlpatterns = [tmf_api_urls(api="tmf641", base_path="tmf-api/serviceOrdering/v4/", title="Service Ordering",
                            version="4.1.0", resources=[("serviceOrder", ServiceOrderViewSet),
                                                       ("cancelServiceOrder", CancelServiceOrderViewSet)])]
