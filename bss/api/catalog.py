"""What the catalog-style TMF APIs (TMF620, TMF633) share: the attributes every catalog item has (name, version,
lifecycleStatus, lastUpdate, validFor), entity references, characteristic specifications, the resource viewset
(with its hub renderer and staff-role check), and importJob/exportJob."""
import base64
import binascii
import json
from urllib.parse import unquote

from django.db import transaction
from rest_framework import serializers

from bss.errors import DomainError, ValidationFailed

from .errors import flatten_validation
from .permissions import StaffModelPermission, TMFScopePermission
from .serializers import TMFInputSerializer, TMFReadSerializer, href_for

# Channels write with a write-scoped token; staff sessions need the Django model permission (catalog managers).
CATALOG_PERMISSIONS = [TMFScopePermission, StaffModelPermission]
CATALOG_ITEM_FIELDS = ["id", "href", "name", "description", "version", "lifecycleStatus", "lastUpdate", "validFor"]


def time_period(start, end) -> dict | None:
    period = {key: value.isoformat().replace("+00:00", "Z") for key, value in
              (("startDateTime", start), ("endDateTime", end)) if value is not None}
    return period or None


def entity_ref(obj, *, api: str, resource: str, request=None, referred_type: str = "", **extra) -> dict:
    """A TMF EntityRef to one of our rows (its exact version)."""
    ref = {"id": str(obj.pk), "href": href_for(api, resource, obj.pk, request), "name": obj.name}
    version = getattr(obj, "version", None)
    if version:
        ref["version"] = version
    if referred_type:
        ref["@referredType"] = referred_type
    return {**ref, **extra}


class CatalogItemSerializer(TMFReadSerializer):
    """Subclasses: Meta.fields = CATALOG_ITEM_FIELDS + their own; Meta.tmf = (api, resource, @type)."""

    lifecycleStatus = serializers.CharField(source="lifecycle_status", read_only=True)
    lastUpdate = serializers.DateTimeField(source="updated_at", read_only=True)
    validFor = serializers.SerializerMethodField()

    def get_validFor(self, obj) -> dict | None:  # noqa: N802 (TMF name)
        return time_period(obj.valid_from, obj.valid_to)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data.get("validFor") is None:
            data.pop("validFor", None)  # absent rather than null: the spec types it as an object
        return data


class TimePeriodSerializer(serializers.Serializer):
    startDateTime = serializers.DateTimeField(source="start", required=False, allow_null=True)
    endDateTime = serializers.DateTimeField(source="end", required=False, allow_null=True)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["start"] >= attrs["end"]:
            raise serializers.ValidationError("endDateTime must be after startDateTime")
        return attrs


class RefSerializer(serializers.Serializer):
    """An incoming EntityRef; only id (and version) matter to us, the rest is accepted and ignored."""

    id = serializers.CharField(max_length=64)
    href = serializers.CharField(max_length=500, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    version = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True)


class CatalogItemInputSerializer(TMFInputSerializer):
    """name, description, version, lifecycleStatus, validFor → service keywords. Subclasses set
    `lifecycle_choices` (the values their lifecycle machine knows)."""

    lifecycle_choices: tuple = ()

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    version = serializers.CharField(max_length=20, required=False)
    lifecycleStatus = serializers.CharField(source="lifecycle_status", required=False)
    validFor = TimePeriodSerializer(source="valid_for", required=False, allow_null=True)

    def validate_lifecycleStatus(self, value):  # noqa: N802 (TMF name)
        if value not in self.lifecycle_choices:
            raise serializers.ValidationError(f"must be one of {', '.join(self.lifecycle_choices)}")
        return value

    def validate(self, attrs):
        if "valid_for" in attrs:
            period = attrs.pop("valid_for") or {}
            attrs["valid_from"], attrs["valid_to"] = period.get("start"), period.get("end")
        return attrs


class CharacteristicSerializer(serializers.Serializer):
    """A characteristic specification in and out. `values_key` is the API's name for its value list
    (TMF633 characteristicValueSpecification, TMF620 productSpecCharacteristicValue); every listed value is
    allowed, the one with isDefault is the default."""

    values_key = "characteristicValueSpecification"

    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True)
    valueType = serializers.CharField(source="value_type", max_length=20, required=False)
    configurable = serializers.BooleanField(required=False)
    minCardinality = serializers.IntegerField(source="min_cardinality", min_value=0, required=False)
    maxCardinality = serializers.IntegerField(source="max_cardinality", min_value=0, required=False)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("a characteristic object is expected")
        attrs = super().to_internal_value(data)
        values = data.get(self.values_key) or []
        if not isinstance(values, list) or not all(isinstance(v, dict) and "value" in v for v in values):
            raise serializers.ValidationError({self.values_key: "a list of {value, isDefault} objects is expected"})
        defaults = [v["value"] for v in values if v.get("isDefault")]
        if len(defaults) > 1:
            raise serializers.ValidationError({self.values_key: "at most one value may be the default"})
        listed = [v["value"] for v in values]
        # A single default value alone is a default, not a restriction.
        attrs["allowed_values"] = [] if len(listed) == 1 and defaults else listed
        attrs["default_value"] = defaults[0] if defaults else None
        units = {v.get("unitOfMeasure") for v in values if v.get("unitOfMeasure")}
        if units:
            attrs["unit_of_measure"] = str(units.pop())[:20]
        return attrs

    def to_representation(self, char):
        values = [{"value": value, "valueType": char.value_type, "isDefault": value == char.default_value}
                  for value in char.allowed_values]
        if not values and char.default_value is not None:
            values = [{"value": char.default_value, "valueType": char.value_type, "isDefault": True}]
        if char.unit_of_measure:
            values = [{**value, "unitOfMeasure": char.unit_of_measure} for value in values]
        data = {"name": char.name, "valueType": char.value_type, "configurable": char.configurable,
                "minCardinality": char.min_cardinality, "maxCardinality": char.max_cardinality,
                self.values_key: values}
        if char.description:
            data["description"] = char.description
        return data


def catalog_viewset(resource: str, *, api: str, queryset, serializer, input_serializer, filterset, create, update,
                    delete):
    """The viewset of one catalog resource, and its hub renderer. create(data) / update(instance, data) /
    delete(instance) call the app's services with domain keywords."""
    from bss.events import register_renderer

    from .viewsets import tmf_viewset

    def render(resource_id):
        obj = queryset.all().filter(pk=resource_id).first()
        return serializer(obj).data if obj is not None else None

    register_renderer(resource, render)
    return tmf_viewset(
        f"{resource[0].upper()}{resource[1:]}ViewSet", api=api, queryset=queryset, serializer_class=serializer,
        permission_classes=CATALOG_PERMISSIONS,
        create_serializer_class=input_serializer, update_serializer_class=input_serializer, filterset_class=filterset,
        create_service=lambda data, caller: create(dict(data)),
        update_service=lambda instance, data, caller: update(instance, dict(data)),
        delete_service=lambda instance, caller: delete(instance))


# --- importJob / exportJob ---------------------------------------------------------------------------------

def data_url(payload) -> str:
    return "data:application/json;base64," + base64.b64encode(json.dumps(payload).encode()).decode()


def data_url_content(url: str):
    """The JSON inside a data: URL (the only kind of URL an import reads: the server fetches nothing)."""
    if not url.startswith("data:") or "," not in url:
        raise ValidationFailed("url must be a data:application/json URL (or give the data inline as content)",
                               reference_error="url")
    header, _, body = url[5:].partition(",")
    try:
        raw = base64.b64decode(body) if header.endswith(";base64") else unquote(body).encode()
        return json.loads(raw)
    except (ValueError, binascii.Error):
        raise ValidationFailed("url does not hold valid JSON", reference_error="url") from None


def _remap_ids(value, ids: dict):
    """Refs to items created earlier in the same import point to their new rows (by id alone: the new row
    may carry another version number)."""
    if isinstance(value, dict):
        if isinstance(value.get("id"), str) and value["id"] in ids:
            value = {key: item for key, item in value.items() if key != "version"} | {"id": ids[value["id"]]}
        return {key: item if key == "id" else _remap_ids(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_remap_ids(item, ids) for item in value]
    return value


class CatalogResource:
    """How a job reads and writes one resource: its queryset and read serializer (export), its input
    serializer and create(data) service call (import)."""

    def __init__(self, *, queryset, serializer, input_serializer, create):
        self.queryset, self.serializer, self.input_serializer, self.create = (queryset, serializer, input_serializer,
                                                                              create)

    @classmethod
    def of(cls, viewset) -> "CatalogResource":
        """What a catalog viewset already knows."""
        return cls(queryset=viewset.queryset, serializer=viewset.serializer_class,
                   input_serializer=viewset.create_serializer_class,
                   create=lambda data: viewset.create_service(data=data, caller=None))


def catalog_job_viewsets(*, api: str, job_model, record, delete, resources: dict[str, CatalogResource]):
    """importJob and exportJob of a catalog API. `resources` in import order (referenced before referencing);
    record(kind=, succeeded=, url=, query=, path=, content_type=, error_log=) and delete(job) are app services.
    A job runs within its request and is stored finished; a failed import changes nothing."""
    from .viewsets import tmf_viewset

    def job_serializer(resource, type_name, with_query=False):
        class JobSerializer(TMFReadSerializer):
            status = serializers.CharField(read_only=True)
            contentType = serializers.CharField(source="content_type", read_only=True)
            path = serializers.CharField(read_only=True)
            url = serializers.CharField(read_only=True)
            errorLog = serializers.CharField(source="error_log", read_only=True)
            creationDate = serializers.DateTimeField(source="created_at", read_only=True)
            completionDate = serializers.DateTimeField(source="completed_at", read_only=True)

            class Meta:
                model = job_model
                fields = ["id", "href", "status", "contentType", "path", "url", "errorLog", "creationDate",
                          "completionDate"]
                tmf = (api, resource, type_name)

        if not with_query:
            return JobSerializer

        class ExportJobSerializer(JobSerializer):
            query = serializers.CharField(read_only=True)

            class Meta(JobSerializer.Meta):
                fields = JobSerializer.Meta.fields + ["query"]

        return ExportJobSerializer

    class JobInput(TMFInputSerializer):
        url = serializers.CharField(required=False, allow_blank=True)
        path = serializers.CharField(max_length=300, required=False, allow_blank=True)
        contentType = serializers.CharField(source="content_type", max_length=60, required=False)

    class ImportJobInput(JobInput):
        content = serializers.JSONField(required=False, help_text="extension: the data inline, as an export holds it")

        def validate(self, attrs):
            if "content" not in attrs and not attrs.get("url"):
                raise serializers.ValidationError({"url": "give url (a data: URL) or content"})
            return attrs

    class ExportJobInput(JobInput):
        query = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                      help_text="comma list of resources to export (default: all)")

    def run_import(data, caller):
        content = data["content"] if "content" in data else data_url_content(data["url"])
        if not isinstance(content, dict) or set(content) - set(resources):
            raise ValidationFailed(f"content maps resource names ({', '.join(resources)}) to lists",
                                   reference_error="content")
        fields = {"url": "" if "content" in data else data["url"], "path": data.get("path", ""),
                  "content_type": data.get("content_type", "application/json")}
        try:
            with transaction.atomic():
                ids = {}
                for name, resource in resources.items():
                    for position, item in enumerate(content.get(name) or []):
                        serializer = resource.input_serializer(data=_remap_ids(item, ids))
                        if not serializer.is_valid():
                            raise ValidationFailed(f"{name}[{position}]: "
                                                   + "; ".join(flatten_validation(serializer.errors)))
                        created = resource.create(dict(serializer.validated_data))
                        if isinstance(item, dict) and isinstance(item.get("id"), str):
                            ids[item["id"]] = str(created.pk)
        except DomainError as exc:
            return record(kind="import", succeeded=False, error_log=exc.message, **fields)
        return record(kind="import", succeeded=True, **fields)

    def run_export(data, caller):
        wanted = [name.strip() for name in (data.get("query") or "").split(",") if name.strip()] or list(resources)
        unknown = [name for name in wanted if name not in resources]
        if unknown:
            raise ValidationFailed(f"cannot export {unknown[0]!r}; one of {', '.join(resources)}",
                                   reference_error="query")
        dump = {name: resources[name].serializer(resources[name].queryset.all(), many=True).data for name in wanted}
        return record(kind="export", succeeded=True, url=data_url(dump), query=data.get("query", ""),
                      path=data.get("path", ""), content_type="application/json")

    common = {"filterset_class": None, "delete_service": lambda instance, caller: delete(instance),
              "permission_classes": CATALOG_PERMISSIONS}
    importer = tmf_viewset(f"{api.upper()}ImportJobViewSet", api=api, queryset=job_model.objects.filter(kind="import"),
                           serializer_class=job_serializer("importJob", "ImportJob"),
                           create_serializer_class=ImportJobInput, create_service=run_import, **common)
    exporter = tmf_viewset(f"{api.upper()}ExportJobViewSet", api=api, queryset=job_model.objects.filter(kind="export"),
                           serializer_class=job_serializer("exportJob", "ExportJob", with_query=True),
                           create_serializer_class=ExportJobInput, create_service=run_export, **common)
    return importer, exporter
