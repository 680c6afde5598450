"""Another version of a TMF API beside v4, over the same viewsets, services and selectors (ADR 0008).

A version is a `Dialect`: two pure JSON functions between its wire shape and the v4 one, plus the data its
schema is patched with. `out` turns a v4 rendering into the version's (responses and hub events: an event's
v5 body comes from the v4 body stored on the outbox row at commit, so both listeners hear the same moment);
`into` turns a request in the version's shape into the v4 request the v4 input serializers validate and translate
into domain calls. A version owns its wire shape, its mount (base path, hub, schema) and nothing else: no model,
service, selector, FilterSet or permission knows it exists.

Codes: v4 keeps the bare code (`tmf622`); another version is `tmf622-v5`. Scopes belong to the API (tmf622.read
serves both versions), hub subscriptions to the version they were registered on."""
import copy
from dataclasses import dataclass, field
from typing import Callable

from django.http import QueryDict
from rest_framework.exceptions import ValidationError

V4 = "v4"
VERSIONS = ("v5",)  # the versions served beside v4
# code → Dialect, filled as versions are mounted (api/v5/urls.py of each app).
_dialects: dict[str, "Dialect"] = {}
# version → {v4 base path: (the version's base path, its resource renames)}: hrefs in a v5 body point at v5.
_base_paths: dict[str, dict[str, tuple[str, dict]]] = {}


def api_family(code: str) -> str:
    """`tmf622-v5` → `tmf622`: whose scopes and domain the version serves."""
    return code.split("-", 1)[0]


def api_version(code: str) -> str:
    return code.split("-", 1)[1] if "-" in code else V4


def versioned_code(family: str, version: str) -> str:
    return family if version == V4 else f"{family}-{version}"


def dialect_for(code: str) -> "Dialect | None":
    if api_version(code) == V4:
        return None
    if not _dialects:  # versions are mounted by the URLconf, which a worker loads only on demand
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 (import side effect)
    return _dialects.get(code)


def family_filter(code: str) -> dict:
    """Query keywords for the rows (hub subscriptions) of every version of `code`'s API (by index, and without
    needing the URLconf loaded: an emitting worker may not have it)."""
    family = api_family(code)
    return {"api__in": [family] + [versioned_code(family, version) for version in VERSIONS]}


def register_dialect(code: str, dialect: "Dialect", *, v4_base_path: str, base_path: str) -> None:
    _dialects[code] = dialect
    _base_paths.setdefault(dialect.version, {})["/" + v4_base_path.strip("/") + "/"] = (
        "/" + base_path.strip("/") + "/", dialect.resources)


def camel(name: str) -> str:
    return name[0].upper() + name[1:]


Typer = str | Callable[[dict], str]


@dataclass
class Dialect:
    """One API's delta from v4 to a version.

    - `resources`: v4 resource name → the version's (paths, event names, event keys); unnamed ones keep theirs.
    - `types`: attribute name → the @type of the sub-entity it holds (a name, or a function of the item for the
      polymorphic kinds); stamped wherever the attribute appears.
    - `renames`: v4 attribute → the version's name, at any depth.
    - `reshape_out` / `reshape_in`: attribute → function of its value, for attributes whose shape changed.
    - `values`: attribute → {v4 value: version's value} (and back on the way in).
    - `schema_properties`: attribute → the version's OpenAPI schema of a reshaped attribute.
    - `json_patch`: the version's spec allows RFC 6902 bodies on PATCH."""

    version: str
    family: str
    resources: dict[str, str] = field(default_factory=dict)
    types: dict[str, Typer] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    reshape_out: dict[str, Callable] = field(default_factory=dict)
    reshape_in: dict[str, Callable] = field(default_factory=dict)
    values: dict[str, dict] = field(default_factory=dict)
    schema_properties: dict[str, dict] = field(default_factory=dict)
    json_patch: bool = False

    # --- names ---
    def resource_name(self, v4_resource: str) -> str:
        return self.resources.get(v4_resource, v4_resource)

    def v4_resource_name(self, resource: str) -> str:
        return next((v4 for v4, name in self.resources.items() if name == resource), resource)

    def resource_type(self, v4_resource: str) -> str:
        return camel(self.resource_name(v4_resource))

    # --- out: v4 JSON → the version's ---
    def out(self, v4_resource: str, body):
        if not isinstance(body, dict):
            return body
        data = self._out_value(body)
        v4_type = camel(v4_resource)
        if data.get("@type") in (None, "", v4_type):
            data["@type"] = self.resource_type(v4_resource)
        return data

    def _out_value(self, value):
        if isinstance(value, list):
            return [self._out_value(item) for item in value]
        if not isinstance(value, dict):
            return value
        data = {}
        for key, item in value.items():
            if key in self.reshape_out:
                item = self.reshape_out[key](item)
            elif key == "href" and isinstance(item, str):
                item = self._href(item)
            else:
                item = self._typed(key, self._out_value(item))
                if key in self.values and isinstance(item, str):
                    item = self.values[key].get(item, item)
            data[self.renames.get(key, key)] = item
        return data

    def _typed(self, key: str, item):
        typer = self.types.get(key)
        if typer is None:
            return item
        # The version's name wins over a v4 one (v4 renders some sub-entities typed, by their v4 names).
        stamp = (lambda one: {**one, "@type": typer(one) if callable(typer) else typer}
                 if isinstance(one, dict) else one)
        return [stamp(one) for one in item] if isinstance(item, list) else stamp(item)

    def _href(self, href: str) -> str:
        """A v4 href of any API served in this version → its href there (base path and resource name)."""
        for v4_path, (path, resources) in _base_paths.get(self.version, {}).items():
            if v4_path in href:
                host, _, rest = href.partition(v4_path)
                resource, slash, tail = rest.partition("/")
                return host + path + resources.get(resource, resource) + slash + tail
        return href

    # --- in: the version's request JSON → v4 ---
    def into(self, v4_resource: str, body, *, require_type: bool):
        """The v4 request for a request body in this version; @type must name the resource's kind (on create:
        it is required) — polymorphic subclasses we do not carry are refused, not silently stored."""
        if not isinstance(body, dict):
            return body
        kind = body.get("@type")
        if kind is None and require_type:
            raise ValidationError({"@type": f"is required (the kind of {self.resource_name(v4_resource)})"})
        if kind is not None and kind != self.resource_type(v4_resource):
            raise ValidationError({"@type": f"must be {self.resource_type(v4_resource)!r}: no other kind of "
                                            f"{self.resource_name(v4_resource)} is carried here"})
        data = self._into_value(body)
        if kind is not None:
            data["@type"] = camel(v4_resource)  # stored as the v4 default: each version renders its own
        return data

    def _into_value(self, value):
        if isinstance(value, list):
            return [self._into_value(item) for item in value]
        if not isinstance(value, dict):
            return value
        back = {name: v4 for v4, name in self.renames.items()}
        data = {}
        for key, item in value.items():
            v4_key = back.get(key, key)
            if v4_key in self.reshape_in:
                item = self.reshape_in[v4_key](item)
            else:
                item = self._into_value(item)
                if isinstance(item, str):
                    item = self._v4_value(v4_key, item)
            data[v4_key] = item
        return data

    def _v4_value(self, v4_key: str, value: str) -> str:
        return {new: old for old, new in self.values.get(v4_key, {}).items()}.get(value, value)

    def query_into(self, params: QueryDict) -> QueryDict:
        """A list query in this version's names and values (`creationDate.gt=…`, `operatingStatus=running,stopped`)
        → the v4 one the FilterSet reads."""
        back = {name: v4 for v4, name in self.renames.items()}
        data = QueryDict(mutable=True)
        for key, values in params.lists():
            name, dot, lookup = key.partition(".")
            v4_name = back.get(name, name)
            data.setlist(v4_name + dot + lookup, [",".join(self._v4_value(v4_name, one) for one in value.split(","))
                                                  for value in values])
        return data

    # --- events ---
    def event_type(self, v4_event_type: str, v4_resource: str) -> str:
        v4_name, name = camel(v4_resource), self.resource_type(v4_resource)
        return name + v4_event_type[len(v4_name):] if v4_event_type.startswith(v4_name) else v4_event_type

    def envelope_out(self, envelope: dict) -> dict:
        """A v4 hub envelope {eventId, eventTime, eventType, event: {resource: body}} in this version."""
        data = dict(envelope)
        (v4_resource, body), = envelope["event"].items()
        data["eventType"] = self.event_type(envelope["eventType"], v4_resource)
        data["event"] = {self.resource_name(v4_resource): self.out(v4_resource, body)}
        data["@type"] = data["eventType"]
        return data

    # --- schema ---
    def schema_out(self, schema: dict) -> dict:
        """The drf-spectacular schema of the v4 viewsets, in this version's shape: @type on every object (required
        on requests), renamed and reshaped attributes, value maps in enums."""
        schema = copy.deepcopy(schema)
        for name, component in schema.get("components", {}).get("schemas", {}).items():
            if component.get("type") != "object" or "properties" not in component:
                if "enum" in component:
                    self._enum_out(component, None)
                continue
            properties = {}
            for key, prop in component["properties"].items():
                if key in self.schema_properties:
                    prop = copy.deepcopy(self.schema_properties[key])
                self._enum_out(prop, key)
                properties[self.renames.get(key, key)] = prop
            properties.setdefault("@type", {"type": "string"})
            component["properties"] = properties
            if "required" in component:
                component["required"] = [self.renames.get(key, key) for key in component["required"]]
            if name.endswith("Request") and name not in ("HubCreateRequest", "PatchedHubRequest") \
                    and not name.startswith("Patched"):
                component.setdefault("required", [])
                if "@type" not in component["required"]:
                    component["required"].append("@type")
        components = schema.get("components", {}).get("schemas", {})
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                if method in ("post", "patch"):  # the body's @type may only be the resource's kind (into)
                    for component in _body_components(operation, components):
                        component["properties"]["@type"] = {"type": "string", "enum": [_kind_of_path(path)]}
                for parameter in operation.get("parameters", []) if isinstance(operation, dict) else ():
                    if parameter.get("in") == "query":  # list filters take the version's names (query_into)
                        name, dot, lookup = parameter["name"].partition(".")
                        parameter["name"] = self.renames.get(name, name) + dot + lookup
        return schema

    def _enum_out(self, prop: dict, key: str | None):
        mapping = self.values.get(key or "", {})
        if mapping and "enum" in prop:
            prop["enum"] = sorted({mapping.get(value, value) for value in prop["enum"] if value is not None})


def _kind_of_path(path: str) -> str:
    """The resource kind a create, patch or task path acts on (what `into` checks): the segment before the id, or
    the last one (`…/shoppingCart/{id}/checkout` → ShoppingCart, `…/productOrder` → ProductOrder)."""
    segments = path.strip("/").split("/")
    ids = [n for n, segment in enumerate(segments) if segment.startswith("{")]
    return camel(segments[ids[0] - 1] if ids else segments[-1])


def _body_components(operation: dict, components: dict) -> list[dict]:
    """The object components the operation's request bodies refer to (a JSON Patch body, a list, has none)."""
    bodies = (operation.get("requestBody") or {}).get("content", {}).values()
    names = sorted({body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1] for body in bodies})
    return [components[name] for name in names if "properties" in components.get(name, {})]


# --- shared shapes ------------------------------------------------------------------------------------------------
def characteristic_type(item: dict) -> str:
    """v5 characteristics are polymorphic by the type of their value."""
    value = item.get("value")
    if isinstance(value, bool):
        return "BooleanCharacteristic"
    if isinstance(value, int):
        return "IntegerCharacteristic"
    if isinstance(value, float):
        return "FloatCharacteristic"
    if isinstance(value, dict):
        return "ObjectCharacteristic"
    if isinstance(value, list):
        kinds = {characteristic_type({"value": one}) for one in value}
        return kinds.pop().replace("Characteristic", "ArrayCharacteristic") if len(kinds) == 1 else \
            "ObjectArrayCharacteristic"
    return "StringCharacteristic"


PARTY_REF_KEYS = ("id", "href", "name", "@referredType")


def related_party_out(type_name: str = "RelatedPartyRefOrPartyRoleRef"):
    """v4 RelatedParty {id, href, name, role, @referredType} → v5 {role, partyOrPartyRole: PartyRef}, typed as the
    entity's spec names it (RelatedPartyRefOrPartyRoleRef on orders, RelatedPartyOrPartyRole on inventories)."""

    def reshape(parties):
        if not isinstance(parties, list):
            return parties
        rendered = []
        for party in parties:
            if not isinstance(party, dict):
                rendered.append(party)
                continue
            ref = {key: party[key] for key in PARTY_REF_KEYS if key in party}
            one = {"@type": type_name, "partyOrPartyRole": {**ref, "@type": "PartyRef"}}
            if party.get("role"):
                one["role"] = party["role"]
            rendered.append(one)
        return rendered

    return reshape


def related_party_in(parties):
    """v5 RelatedPartyRefOrPartyRoleRef → the v4 RelatedParty the v4 input serializers read."""
    if not isinstance(parties, list):
        return parties
    flat = []
    for party in parties:
        if isinstance(party, dict) and isinstance(party.get("partyOrPartyRole"), dict):
            ref = party["partyOrPartyRole"]
            one = {key: ref[key] for key in PARTY_REF_KEYS if key in ref}
            if "role" in party:
                one["role"] = party["role"]
            flat.append(one)
        elif isinstance(party, dict):
            raise ValidationError({"relatedParty": "each item is {role, partyOrPartyRole: {id, ...}} in v5"})
        else:
            flat.append(party)
    return flat


RELATED_PARTY_SCHEMA = {"type": "array", "items": {"type": "object", "required": ["@type"], "properties": {
    "@type": {"type": "string"}, "role": {"type": "string"},
    "partyOrPartyRole": {"type": "object", "properties": {key: {"type": "string"} for key in
                                                          PARTY_REF_KEYS + ("@type",)}}}}}


def external_id_out(value):
    """v4 externalId (a string) → v5 externalId: [ExternalIdentifier]."""
    if isinstance(value, str):
        return [{"@type": "ExternalIdentifier", "id": value}] if value else []
    return value


def external_id_in(value):
    """v5 [ExternalIdentifier] → the one external id our model keeps (the most recent system's: the first)."""
    if isinstance(value, list):
        if len(value) > 1:
            raise ValidationError({"externalId": "one external identifier is kept: give one"})
        if value and (not isinstance(value[0], dict) or not isinstance(value[0].get("id"), str)):
            raise ValidationError({"externalId": "each item is {id, owner?, externalIdentifierType?}"})
        return value[0]["id"] if value else ""
    if value is None or isinstance(value, str):
        raise ValidationError({"externalId": "is a list of ExternalIdentifier in v5"})
    return value


EXTERNAL_ID_SCHEMA = {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "string"}, "owner": {"type": "string"}, "externalIdentifierType": {"type": "string"},
    "@type": {"type": "string"}}}}


# --- mounting -----------------------------------------------------------------------------------------------------
JSON_PATCH = "application/json-patch+json"


def versioned_viewset(viewset: type, dialect: Dialect, v4_resource: str, code: str) -> type:
    """The v4 viewset speaking `dialect`: same queryset, isolation, FilterSet, serializers and services; requests
    pass through `into` before the v4 input serializers, list queries through `query_into` before the FilterSet,
    renderings through `out` before `fields=`."""
    from .viewsets import project_fields

    def render(self, instance_or_page, many=False):
        data = self.get_serializer(instance_or_page, many=many).data
        data = [dialect.out(v4_resource, item) for item in data] if many else dialect.out(v4_resource, data)
        return project_fields(data, self.request)

    def validated_input(self, serializer_class, data, merge_patch=False, instance=None):
        if merge_patch and self.request.content_type.split(";")[0].strip() == JSON_PATCH:
            data = json_patch_as_merge_patch(self.render_whole(instance), data)
        data = dialect.into(v4_resource, data, require_type=self.action == "create")
        return viewset.validated_input(self, serializer_class, data, merge_patch=merge_patch, instance=instance)

    def render_whole(self, instance):
        return dialect.out(v4_resource, self.get_serializer(instance).data)

    def get_parsers(self):
        parsers = viewset.get_parsers(self)
        if dialect.json_patch and self.request is not None and self.request.method == "PATCH":
            from .parsers import JSONPatchParser

            parsers = [*parsers, JSONPatchParser()]
        return parsers

    def filter_params(self, params):
        return dialect.query_into(params)

    attrs = {"render": render, "validated_input": validated_input, "render_whole": render_whole,
             "get_parsers": get_parsers, "filter_params": filter_params, "tmf_code": code,
             "tmf_version": dialect.version}
    return type(f"{viewset.__name__}{dialect.version.upper()}", (viewset,), attrs)


def json_patch_as_merge_patch(current: dict, operations) -> dict:
    """An RFC 6902 patch applied to the resource as this version renders it, expressed as the merge-patch of the
    top-level attributes it changed (what the update serializers take: read-only ones are refused there)."""
    import jsonpatch
    import jsonpointer

    if not isinstance(operations, list):
        raise ValidationError({"body": "a JSON Patch document is a list of operations"})
    try:
        patched = jsonpatch.JsonPatch(operations).apply(current)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError, KeyError) as exc:
        raise ValidationError({"body": f"JSON Patch does not apply: {exc}"}) from None
    if not isinstance(patched, dict):
        raise ValidationError({"body": "JSON Patch must leave an object"})
    changes = {key: value for key, value in patched.items() if current.get(key, object()) != value}
    changes |= {key: None for key in current if key not in patched}
    return changes


def place_out(places):
    """v4 product.place [{id, role, @referredType}] → v5 [RelatedPlaceRefOrValue {role, place: PlaceRef}]."""
    if not isinstance(places, list):
        return places
    return [{"@type": "RelatedPlaceRefOrValue", **({"role": p["role"]} if p.get("role") else {}),
             "place": {**{key: p[key] for key in PARTY_REF_KEYS if key in p}, "@type": "PlaceRef"}}
            if isinstance(p, dict) else p for p in places]


def place_in(places):
    if not isinstance(places, list):
        return places
    flat = []
    for p in places:
        if not isinstance(p, dict) or not isinstance(p.get("place"), dict):
            raise ValidationError({"place": "each item is {role, place: {id, ...}} in v5"})
        flat.append({**{key: p["place"][key] for key in PARTY_REF_KEYS if key in p["place"]},
                     **({"role": p["role"]} if "role" in p else {})})
    return flat


PLACE_SCHEMA = {"type": "array", "items": {"type": "object", "properties": {
    "@type": {"type": "string"}, "role": {"type": "string"},
    "place": {"type": "object", "properties": {key: {"type": "string"} for key in PARTY_REF_KEYS + ("@type",)}}}}}
