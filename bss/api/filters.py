"""TMF attribute filtering: `attr=value`, `attr=a,b` (any of), and `attr.gt/.gte/.lt/.lte=value`."""
import django_filters
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from .errors import flatten_validation

RANGE_LOOKUPS = ("gt", "gte", "lt", "lte")


class TMFFilterSet(django_filters.FilterSet):
    """Declare `tmf_fields = {"tmfName": "model__path", "lastUpdate": ("updated_at", RANGE_LOOKUPS)}`.

    Each TMF name gets an exact filter that also takes comma lists; listed range lookups get `name.gt` etc.
    The same FilterSet serves the console's list pages."""

    tmf_fields: dict = {}

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        model = cls._meta.model
        for tmf_name, spec in cls.tmf_fields.items():
            path, lookups = (spec, ()) if isinstance(spec, str) else spec
            model_field = _resolve_field(model, path)
            # Booleans take one value (a comma list of true/false means nothing, and their widget cannot split).
            in_lookup = "exact" if isinstance(model_field, models.BooleanField) else "in"
            filters[tmf_name] = cls.filter_for_field(model_field, path, in_lookup)
            for lookup in lookups:
                filters[f"{tmf_name}.{lookup}"] = cls.filter_for_field(model_field, path, lookup)
        return filters


def _resolve_field(model, path: str):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return field


class TMFFilterBackend(DjangoFilterBackend):
    def get_filterset_class(self, view, queryset=None):
        return getattr(view, "filterset_class", None)

    def get_filterset_kwargs(self, request, queryset, view):
        """A later version's view names its query in its own words (bss.api.versions: `filter_params`)."""
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        translate = getattr(view, "filter_params", None)
        if translate is not None:
            kwargs["data"] = translate(kwargs["data"])
        return kwargs

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError("; ".join(flatten_validation(dict(filterset.errors))))
        return filterset.qs
