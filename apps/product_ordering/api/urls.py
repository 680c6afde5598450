from django.urls import path

from bss.api.routers import tmf_api_urls
from bss.events import register_renderer

from .. import selectors
from .listener import ServiceOrderEventListener
from .serializers import CancelProductOrderSerializer, ProductOrderSerializer
from .views import CancelProductOrderViewSet, ProductOrderViewSet


def _render_order(order_id):
    order = selectors.product_order_get(order_id=order_id)
    return ProductOrderSerializer(order).data if order else None


def _render_cancel(cancel_id):
    task = selectors.cancel_product_order_get(cancel_id=cancel_id)
    return CancelProductOrderSerializer(task).data if task else None


register_renderer("productOrder", _render_order)
register_renderer("cancelProductOrder", _render_cancel)

BASE = "tmf-api/productOrderingManagement/v4/"

urlpatterns = [
    tmf_api_urls(api="tmf622", base_path=BASE, title="Product Ordering", version="4.0.0",
                 resources=[("productOrder", ProductOrderViewSet), ("cancelProductOrder", CancelProductOrderViewSet)]),
    # Where an external activation system (gateway "http") sends its TMF641 events: register it on its /hub.
    path(BASE + "listener/serviceOrderEvent", ServiceOrderEventListener.as_view(), name="com-service-order-listener"),
]
