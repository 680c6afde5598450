from bss.api.routers import tmf_api_urls
from bss.events import register_renderer

from .. import selectors
from .views import ProductViewSet
from .serializers import ProductSerializer


def _render_product(product_id):
    product = selectors.product_get(product_id=product_id)
    return ProductSerializer(product).data if product else None


register_renderer("product", _render_product)

BASE = "tmf-api/productInventory/v4/"

urlpatterns = [tmf_api_urls(api="tmf637", base_path=BASE, title="Product Inventory",
                            version="4.0.0", resources=[("product", ProductViewSet)])]
