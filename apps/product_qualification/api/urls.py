from bss.api.routers import tmf_api_urls
from bss.events import register_renderer

from .. import selectors
from .serializers import ProductOfferingQualificationSerializer
from .views import ProductOfferingQualificationViewSet


def _render(qualification_id):
    task = selectors.product_offering_qualification_get(qualification_id=qualification_id)
    return ProductOfferingQualificationSerializer(task).data if task else None


register_renderer("productOfferingQualification", _render)

BASE = "tmf-api/productOfferingQualification/v4/"

urlpatterns = [tmf_api_urls(api="tmf679", base_path=BASE,
                            title="Product Offering Qualification", version="4.0.0",
                            resources=[("productOfferingQualification", ProductOfferingQualificationViewSet)])]
