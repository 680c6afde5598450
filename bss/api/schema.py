"""drf-spectacular schema with the TMF error responses every operation can return."""
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR_SERIALIZER = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(),
        "reason": serializers.CharField(),
        "message": serializers.CharField(required=False),
        "status": serializers.CharField(required=False),
        "referenceError": serializers.CharField(required=False),
        "@type": serializers.CharField(required=False),
    },
)

_COMMON = (400, 401, 403, 404, 405, 406, 413, 415, 429, 500, 503)
_WRITES = (409, 422)


class TMFAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = _COMMON + (_WRITES if self.method in ("POST", "PATCH", "DELETE") else ())
        for code in codes:
            responses.setdefault(str(code), self._get_response_for_code(
                OpenApiResponse(response=ERROR_SERIALIZER, description="TMF error"), str(code)))
        return responses

    def get_request_serializer(self):
        view = self.view
        action = getattr(view, "action", None)
        if action == "create" and getattr(view, "create_serializer_class", None):
            return view.create_serializer_class
        if action == "partial_update" and getattr(view, "update_serializer_class", None):
            return view.update_serializer_class
        return super().get_request_serializer()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """A list that may not be empty says so (drf-spectacular leaves allow_empty=False out), so that generated
        requests, and clients, know it."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and getattr(field, "allow_empty", True) is False and schema.get("type") == "array":
            schema.setdefault("minItems", 1)
        return schema

    def get_tags(self):
        return [getattr(self.view, "basename", None) or super().get_tags()[0]]


def relax_response_required(result, generator, request, public):
    """Responses leave out empty attributes (TMF schemas type them; null is not a string), so the response
    components require only `id`; request components keep their real required fields."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") or name == "Error" or "required" not in component:
            continue
        component["required"] = [field for field in component["required"] if field == "id"]
        if not component["required"]:
            del component["required"]
    return result


def add_create_links(result, generator, request, public):
    """OpenAPI links from each create (POST on a collection, 201) to every operation on the object it made
    (…/{id} and its sub-routes), the id taken from the 201 body: what stateful fuzzing chains."""
    paths = result.get("paths", {})
    for collection, operations in paths.items():
        created = operations.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        links = {}
        for path, targets in sorted(paths.items()):
            parameter = _object_parameter(collection, path)
            if parameter is None:
                continue
            for method, target in sorted(targets.items()):
                if isinstance(target, dict) and "operationId" in target:
                    links[target["operationId"]] = {"operationId": target["operationId"],
                                                    "parameters": {parameter: "$response.body#/id"}}
        if links:
            created["links"] = links
    return result


def _object_parameter(collection: str, path: str) -> str | None:
    """`id` for `<collection>/{id}` or `<collection>/{id}/<action>`; None for any other path."""
    prefix = collection.rstrip("/") + "/{"
    if not path.startswith(prefix):
        return None
    parameter, _, rest = path[len(prefix):].partition("}")
    return parameter if "{" not in rest else None
