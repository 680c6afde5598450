"""Mounting a TMF API: resources, /hub, the per-API OpenAPI schema and Swagger UI."""
from django.urls import include, path
from django.conf import settings
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


def tmf_api_urls(*, api: str, base_path: str, title: str, version: str, resources: list[tuple[str, type]],
                 schema_hook=None):
    """URL patterns for one TMF API mounted at its standard base path (e.g. tmf-api/productOrderingManagement/v4/).
    `schema_hook(schema) -> schema` reshapes its generated schema (another version's wire shape)."""
    router = TMFRouter()
    for resource, viewset in resources:
        router.register(resource, viewset, basename=resource)
    router.register("hub", hub_viewset_for(api), basename="hub")
    api_patterns = router.urls
    # The schema generator sees this API alone, under its full path.
    urlconf = type(f"{api}_urlconf", (), {"urlpatterns": [path(base_path, include((api_patterns, api)))]})
    MOUNTED_APIS[api] = {"base_path": "/" + base_path, "title": title, "version": version, "urlconf": urlconf,
                         "schema_hook": schema_hook}
    custom = {"TITLE": title, "VERSION": version, "SCHEMA_PATH_PREFIX": "/" + base_path.rstrip("/")}
    if schema_hook is not None:
        custom["POSTPROCESSING_HOOKS"] = [*settings.SPECTACULAR_SETTINGS.get("POSTPROCESSING_HOOKS", []),
                                          "bss.api.routers.version_schema_hook"]
    schema_view = SpectacularAPIView.as_view(urlconf=urlconf, custom_settings=custom)
    docs = [
        path("openapi.json", schema_view, {"format": "json"}, name="schema"),
        path("docs", SpectacularSwaggerView.as_view(url_name=f"{api}:schema"), name="docs"),
    ]
    return path(base_path, include((api_patterns + docs, api), namespace=api))


def version_schema_hook(result, **kwargs):
    """drf-spectacular postprocessing of a version's schema view: its mount's schema_hook, found by its paths."""
    paths = list(result.get("paths", {}))
    for info in MOUNTED_APIS.values():
        if info["schema_hook"] is not None and paths and all(p.startswith(info["base_path"]) for p in paths):
            return info["schema_hook"](result)
    return result


def tmf_api_version_urls(*, family: str, dialect, v4_base_path: str, base_path: str, title: str, version: str,
                         resources: list[tuple[str, type]]):
    """Another version of a mounted API (bss.api.versions): the v4 viewsets of `resources` (v4 names) speaking
    `dialect`, at the version's base path, with its own hub and schema."""
    from .versions import register_dialect, versioned_code, versioned_viewset

    code = versioned_code(family, dialect.version)
    register_dialect(code, dialect, v4_base_path=v4_base_path, base_path=base_path)
    return tmf_api_urls(api=code, base_path=base_path, title=title, version=version, schema_hook=dialect.schema_out,
                        resources=[(dialect.resource_name(resource), versioned_viewset(viewset, dialect, resource, code))
                                   for resource, viewset in resources])
