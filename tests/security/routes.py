"""Every TMF route of the URL configuration, walked from the resolver (not a hand list), with its methods."""
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import SAFE_METHODS

from bss.api.versions import api_family, api_version, dialect_for
from bss.models import HubSubscription

ID = "(?P<pk>[^/]+)"


@dataclass(frozen=True)
class Route:
    pattern: str  # e.g. tmf-api/productOrderingManagement/v4/productOrder/<pk>
    view: type
    methods: tuple[str, ...]

    @property
    def code(self) -> str:
        """The mount: tmf622, or tmf622-v5 (a version's viewsets keep the v4 tmf_api; its hub is the version's)."""
        return getattr(self.view, "tmf_code", None) or self.view.tmf_api

    @property
    def api(self) -> str:
        """Whose scopes guard it: every version of an API is served under the same ones."""
        return api_family(self.code)

    @property
    def version(self) -> str:
        return api_version(self.code)

    @property
    def resource(self) -> str:
        """The collection's name in the v4 API (v5 renames some: checkProductOfferingQualification)."""
        name = self.collection.split("/")[-1]
        dialect = dialect_for(self.code)
        return dialect.v4_resource_name(name) if dialect else name

    def wire(self, v4_body: dict) -> dict:
        """A v4 request body in this route's version (@type and the version's shapes, as its clients send)."""
        dialect = dialect_for(self.code)
        return dialect.out(self.resource, v4_body) if dialect else v4_body

    @property
    def is_detail(self) -> bool:
        return "<pk>" in self.pattern

    @property
    def collection(self) -> str:
        """The list route this route's objects are created on (…/productOrder for …/productOrder/<pk>/checkout)."""
        return self.pattern.split("/<pk>")[0]

    @property
    def owned(self) -> bool:
        """Objects belong to a channel or partner (others answer 404); catalogs and their jobs are shared."""
        queryset = getattr(self.view, "queryset", None)
        return bool(getattr(self.view, "owner_field", None)) or (
            queryset is not None and queryset.model is HubSubscription)

    def url(self, pk: str = "") -> str:
        return "/" + self.pattern.replace("<pk>", pk)

    def needs_write(self, method: str) -> bool:
        return method not in SAFE_METHODS and not getattr(self.view, "read_scope_suffices", False)

    def __str__(self):
        return self.pattern


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _methods(callback, view) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a router's viewset route
        return tuple(sorted(method.upper() for method in actions))
    return tuple(sorted(method.upper() for method in view.http_method_names
                        if method not in ("options", "head") and hasattr(view, method)))


def tmf_routes() -> list[Route]:
    """Every route under /tmf-api/, of every version, served by a view of a TMF API (the schema and docs views
    have none)."""
    routes = []
    for pattern, callback in _walk(get_resolver()):
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if not pattern.startswith("tmf-api/") or getattr(view, "tmf_api", None) is None:
            continue
        clean = re.sub(r"[\^$]", "", pattern.replace(ID, "<pk>"))
        routes.append(Route(clean, view, _methods(callback, view)))
    return routes
