from bss.api.routers import tmf_api_urls
from bss.events import register_renderer

from .. import selectors
from .serializers import ShoppingCartSerializer
from .views import ShoppingCartViewSet


def _render_cart(cart_id):
    cart = selectors.shopping_cart_get(cart_id=cart_id)
    return ShoppingCartSerializer(cart).data if cart else None


register_renderer("shoppingCart", _render_cart)

BASE = "tmf-api/shoppingCart/v4/"

urlpatterns = [tmf_api_urls(api="tmf663", base_path=BASE, title="Shopping Cart",
                            version="4.0.0", resources=[("shoppingCart", ShoppingCartViewSet)])]
