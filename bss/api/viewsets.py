"""The base viewset every TMF resource uses: isolation, projection, merge-patch, 201 + Location, idempotency."""
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.module_loading import import_string
from rest_framework import status, viewsets
from rest_framework.fields import empty
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .idempotency import with_idempotency
from .parsers import MergePatchJSONParser

ALWAYS_KEPT = ("id", "href", "@type")


def caller_party(request):
    """The channel/partner behind the request, or None for staff sessions."""
    return import_string(settings.BSS_CALLER_PARTY_RESOLVER)(request)


def project_fields(data, request):
    """`fields=a,b` keeps only those top-level attributes (plus id, href, @type)."""
    raw = request.query_params.get("fields")
    if not raw:
        return data
    wanted = {name.strip() for name in raw.split(",") if name.strip()} | set(ALWAYS_KEPT)

    def keep(item):
        return {key: value for key, value in item.items() if key in wanted} if isinstance(item, dict) else item

    return [keep(item) for item in data] if isinstance(data, list) else keep(data)


class TMFViewSet(viewsets.GenericViewSet):
    """Subclasses set: tmf_api, queryset (or get_base_queryset), serializer_class (read),
    create_serializer_class / update_serializer_class (input), filterset_class, and the service hooks
    create_service(data=, caller=) / update_service(instance=, data=, caller=) / delete_service(instance=, caller=).
    Isolation: owner_field names the FK to the owning channel/partner; others' objects answer 404."""

    tmf_api: str = ""
    owner_field: str | None = None
    create_serializer_class = None
    update_serializer_class = None
    create_service = None
    update_service = None
    delete_service = None
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_parsers(self):
        parsers = super().get_parsers()
        if self.request is not None and self.request.method == "PATCH":
            return parsers  # JSON and merge-patch both accepted
        return [parser for parser in parsers if not isinstance(parser, MergePatchJSONParser)]

    def get_queryset(self):
        queryset = super().get_queryset()
        party = caller_party(self.request)
        if self.owner_field and party is not None:
            # By primary key: works for a foreign key and for an id kept as text (cross-context owners).
            queryset = queryset.filter(**{self.owner_field: party.pk})
        return queryset

    def get_object(self):
        try:
            obj = self.get_queryset().filter(pk=self.kwargs[self.lookup_url_kwarg or self.lookup_field]).first()
        except (ValueError, TypeError, DjangoValidationError):
            obj = None  # malformed id: as unknown as a well-formed one
        if obj is None:
            raise NotFound(f"no {self.basename} with id {self.kwargs.get('pk')!r}")
        self.check_object_permissions(self.request, obj)
        return obj

    def render(self, instance_or_page, many=False):
        serializer = self.get_serializer(instance_or_page, many=many)
        return project_fields(serializer.data, self.request)

    # --- actions ---
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.render(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self.render(self.get_object()))

    def create(self, request, *args, **kwargs):
        return with_idempotency(request, self._create)

    def _create(self):
        data = self.validated_input(self.create_serializer_class, self.request.data)
        instance = type(self).create_service(data=data, caller=caller_party(self.request))
        body = self.render(self.refetch(instance))
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body.get("href", "")})

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.validated_input(self.update_serializer_class, request.data, merge_patch=True, instance=instance)
        instance = type(self).update_service(instance=instance, data=data, caller=caller_party(request))
        return Response(self.render(self.refetch(instance)))

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        type(self).delete_service(instance=instance, caller=caller_party(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def validated_input(self, serializer_class, data, merge_patch=False, instance=None):
        serializer = serializer_class(instance=instance, data=data, context=self.get_serializer_context())
        if merge_patch:
            # Merge-patch: any top-level attribute may be left out, and nothing absent gets a default; but a nested
            # object that is given replaces the old one whole, so its own required fields stay required
            # (DRF's partial=True would waive those too and let half objects through).
            for field in serializer.fields.values():
                field.required = False
                field.default = empty
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def refetch(self, instance):
        """Re-read through the list queryset so prefetches apply to the rendered response."""
        return super().get_queryset().filter(pk=instance.pk).first() or instance

    @classmethod
    def supported_actions(cls) -> set[str]:
        """Only actions with a service behind them are routed (others answer 405 and stay out of the schema)."""
        actions = {"list", "retrieve"} | set(getattr(cls, "extra_actions_supported", ()))
        for action, hook in (("create", "create_service"), ("partial_update", "update_service"),
                             ("destroy", "delete_service")):
            if getattr(cls, hook) is not None:
                actions.add(action)
        return actions



def tmf_viewset(name: str, *, api: str, **attrs) -> type:
    """The two-line viewset: `ProductOfferingViewSet = tmf_viewset("ProductOfferingViewSet", api="tmf620", ...)`."""
    for hook in ("create_service", "update_service", "delete_service"):
        if attrs.get(hook) is not None:
            attrs[hook] = staticmethod(attrs[hook])
    return type(name, (TMFViewSet,), {"tmf_api": api, **attrs})
