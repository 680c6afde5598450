from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response


def _non_negative_int(request, name: str, default: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: f"must be a non-negative integer, got {raw!r}"}) from None
    if value < 0:
        raise ValidationError({name: "must be a non-negative integer"})
    return value


class TMFPagination(BasePagination):
    """TMF offset/limit; the list stays a plain array, totals go in X-Total-Count / X-Result-Count."""

    default_limit = 100
    max_limit = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self.offset = _non_negative_int(request, "offset", 0)
        self.limit = min(_non_negative_int(request, "limit", self.default_limit), self.max_limit)
        self.total = queryset.count()
        page = list(queryset[self.offset:self.offset + self.limit]) if self.limit else []
        self.result_count = len(page)
        return page

    def get_paginated_response(self, data):
        return Response(data, headers={"X-Total-Count": str(self.total), "X-Result-Count": str(self.result_count)})

    def get_paginated_response_schema(self, schema):
        return schema

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0},
             "description": "index of the first item"},
            {"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 0, "maximum": self.max_limit},
             "description": "number of items"},
            {"name": "fields", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "comma-separated attributes to return (id, href and @type always kept)"},
        ]
