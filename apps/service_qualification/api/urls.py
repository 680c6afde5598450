from bss.api.routers import tmf_api_urls
from bss.events import register_renderer

from .. import selectors
from .serializers import CheckServiceQualificationSerializer, QueryServiceQualificationSerializer
from .views import CheckServiceQualificationViewSet, QueryServiceQualificationViewSet


def _render_check(qualification_id):
    task = selectors.check_service_qualification_get(qualification_id=qualification_id)
    return CheckServiceQualificationSerializer(task).data if task else None


def _render_query(qualification_id):
    task = selectors.query_service_qualification_get(qualification_id=qualification_id)
    return QueryServiceQualificationSerializer(task).data if task else None


register_renderer("checkServiceQualification", _render_check)
register_renderer("queryServiceQualification", _render_query)

urlpatterns = [tmf_api_urls(
    api="tmf645", base_path="tmf-api/serviceQualificationManagement/v4/", title="Service Qualification",
    version="4.0.0", resources=[("checkServiceQualification", CheckServiceQualificationViewSet),
                                ("queryServiceQualification", QueryServiceQualificationViewSet)])]
