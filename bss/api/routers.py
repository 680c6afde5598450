"""Mounting a TMF API: resources, /hub, the per-API OpenAPI schema and Swagger UI."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from .hub_views import hub_viewset_for

# api code → (base path, title); filled as APIs are mounted, read by the schema export and tests.
MOUNTED_APIS: dict[str, dict] = {}


class TMFRouter(SimpleRouter):
    def __init__(self):
        super().__init__(trailing_slash=False)

    def get_method_map(self, viewset, method_map):
        supported = viewset.supported_actions() if hasattr(viewset, "supported_actions") else None
        return {method: action for method, action in super().get_method_map(viewset, method_map).items()
                if supported is None or action in supported}


def tmf_api_urls(*, api: str, base_path: str, title: str, version: str, resources: list[tuple[str, type]]):
    """URL patterns for one TMF API mounted at its standard base path (e.g. tmf-api/productOrderingManagement/v4/)."""
    router = TMFRouter()
    for resource, viewset in resources:
        router.register(resource, viewset, basename=resource)
    router.register("hub", hub_viewset_for(api), basename="hub")
    api_patterns = router.urls
    # The schema generator sees this API alone, under its full path.
    urlconf = type(f"{api}_urlconf", (), {"urlpatterns": [path(base_path, include((api_patterns, api)))]})
    MOUNTED_APIS[api] = {"base_path": "/" + base_path, "title": title, "version": version, "urlconf": urlconf}
    schema_view = SpectacularAPIView.as_view(urlconf=urlconf, custom_settings={
        "TITLE": title, "VERSION": version, "SCHEMA_PATH_PREFIX": "/" + base_path.rstrip("/")})
    docs = [
        path("openapi.json", schema_view, {"format": "json"}, name="schema"),
        path("docs", SpectacularSwaggerView.as_view(url_name=f"{api}:schema"), name="docs"),
    ]
    return path(base_path, include((api_patterns + docs, api), namespace=api))
