"""What every catalog item shares (product and service catalogs alike): the lifecycle state machine,
validFor, and versions side by side.

Versioning scheme (TMF620 / TMF633): every version of an offering or specification is its own row with its
own id, so each version is addressable at its own href. The versions of one item share a `lineage`
(the id of its first version); (lineage, version) is unique. A POST whose name matches an existing item
adds a version to that item's lineage (its `version`, or the next major one when none is given).
Orders pin a version by (id, version); `version=None` means the newest sellable version.

The product catalog imports this module too (it depends on the service catalog, never the reverse).
"""
import uuid
from collections import deque

from django.db import models, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from bss.errors import Conflict, IllegalTransition, ValidationFailed
from bss.events import PUBLIC, event_emit
from bss.fsm import transition_apply
from bss.models import TMFEntity


class LifecycleStatus(models.TextChoices):
    IN_DESIGN = "inDesign"
    IN_TEST = "inTest"
    ACTIVE = "active"
    LAUNCHED = "launched"
    RETIRED = "retired"
    OBSOLETE = "obsolete"


S = LifecycleStatus
SELLABLE_STATUSES = (S.ACTIVE, S.LAUNCHED)
# A version past design is frozen (make a new version instead); only these may still change on it.
EDITABLE_STATUSES = (S.IN_DESIGN, S.IN_TEST)
ALWAYS_EDITABLE = frozenset({"valid_from", "valid_to", "status_reason"})
# Deleting what was ever sold would orphan orders and inventory that name it.
DELETABLE_STATUSES = (S.IN_DESIGN, S.IN_TEST, S.OBSOLETE)


def may_change_catalog(instance, user) -> bool:
    """Transition permission (admin buttons): only those who may change this model."""
    meta = type(instance)._meta
    return user.has_perm(f"{meta.app_label}.change_{meta.model_name}")


class CatalogItem(ConcurrentTransitionMixin, TMFEntity):
    """Columns and lifecycle of every catalog entity. Transition bodies only move the state."""

    name = models.CharField(max_length=200, db_index=True)
    description = models.TextField(blank=True)
    version = models.CharField(max_length=20, default="1.0", db_index=True)
    lifecycle_status = FSMField(choices=LifecycleStatus.choices, default=S.IN_DESIGN, protected=True,
                                db_index=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name", "created_at"]

    def __str__(self):
        return f"{self.name} v{self.version} ({self.lifecycle_status})"

    @transition(field=lifecycle_status, source=S.IN_DESIGN, target=S.IN_TEST, permission=may_change_catalog)
    def test(self):
        pass

    @transition(field=lifecycle_status, source=S.IN_TEST, target=S.IN_DESIGN, permission=may_change_catalog)
    def redesign(self):
        pass

    @transition(field=lifecycle_status, source=[S.IN_TEST, S.RETIRED], target=S.ACTIVE,
                permission=may_change_catalog)
    def activate(self):
        pass

    @transition(field=lifecycle_status, source=S.ACTIVE, target=S.LAUNCHED, permission=may_change_catalog)
    def launch(self):
        pass

    @transition(field=lifecycle_status, source=[S.ACTIVE, S.LAUNCHED], target=S.RETIRED,
                permission=may_change_catalog)
    def retire(self):
        pass

    # Obsolete is final: nothing leads out of it, so an obsolete item can never be sold again.
    @transition(field=lifecycle_status, source=S.RETIRED, target=S.OBSOLETE, permission=may_change_catalog)
    def obsolete(self):
        pass

    def valid_at(self, when=None) -> bool:
        when = when or timezone.now()
        return (self.valid_from is None or self.valid_from <= when) and (self.valid_to is None or when < self.valid_to)

    @property
    def is_sellable(self) -> bool:
        return self.lifecycle_status in SELLABLE_STATUSES and self.valid_at()


class VersionedCatalogItem(CatalogItem):
    """A catalog item whose versions live side by side (see the module docstring)."""

    lineage = models.UUIDField(db_index=True, editable=False,
                               help_text="shared by every version of this item: the id of its first version")

    class Meta(CatalogItem.Meta):
        abstract = True
        constraints = [models.UniqueConstraint(fields=["lineage", "version"],
                                               name="%(app_label)s_%(class)s_version_once")]

    def save(self, *args, **kwargs):
        if self.lineage is None:
            self.lineage = self.id
        super().save(*args, **kwargs)


# --- lifecycle -------------------------------------------------------------------------------------------

LIFECYCLE_TRANSITIONS = ("test", "redesign", "activate", "launch", "retire", "obsolete")


def lifecycle_graph(model) -> dict[str, list[tuple[str, str]]]:
    """source state → [(transition name, target state)] of a catalog model's machine."""
    graph: dict[str, list[tuple[str, str]]] = {}
    for t in model._meta.get_field("lifecycle_status").get_all_transitions(model):
        graph.setdefault(t.source, []).append((t.name, t.target))
    return graph


def lifecycle_path(model, source: str, target: str) -> list[str] | None:
    """The shortest list of transitions from source to target, [] when equal, None when unreachable."""
    graph = lifecycle_graph(model)
    queue, seen = deque([(source, [])]), {source}
    while queue:
        state, path = queue.popleft()
        if state == target:
            return path
        for name, next_state in graph.get(state, []):
            if next_state not in seen:
                seen.add(next_state)
                queue.append((next_state, path + [name]))
    return None


def lifecycle_move(obj: CatalogItem, target: str, *, reason: str = "") -> bool:
    """Walk obj's machine to `target`, each step checked, saved and logged. Caller holds lock and transaction.

    Returns whether the state changed; raises IllegalTransition (409) when target is unreachable."""
    source = obj.lifecycle_status
    path = lifecycle_path(type(obj), source, target)
    if path is None:
        raise IllegalTransition(f"{type(obj).__name__} {obj.pk} cannot go from '{source}' to '{target}'",
                                reference_error="lifecycleStatus")
    for name in path:
        transition_apply(obj, name, reason=reason, state_field="lifecycle_status", update_fields=("updated_at",))
    return bool(path)


# --- versions --------------------------------------------------------------------------------------------

def version_key(version: str) -> tuple:
    """'1.10' sorts after '1.9'; non-numeric parts compare as text after numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in version.split("."))


def next_major_version(versions) -> str:
    newest = max(versions, key=version_key, default=None)
    if newest is None:
        return "1.0"
    head = newest.split(".")[0]
    return f"{int(head) + 1}.0" if head.isdigit() else f"{newest}.1"


def newest_version(rows, *, sellable_first: bool = True):
    """The newest sellable row of a lineage, or the newest at all when none is sellable."""
    rows = sorted(rows, key=lambda row: version_key(row.version), reverse=True)
    if sellable_first:
        for row in rows:
            if row.is_sellable:
                return row
    return rows[0] if rows else None


def lineage_of(model, item_id) -> uuid.UUID | None:
    """The lineage an id names: the id of any version, or the lineage id itself."""
    try:
        item_id = uuid.UUID(str(item_id))
    except (ValueError, TypeError, AttributeError):
        return None
    row = model.objects.filter(models.Q(pk=item_id) | models.Q(lineage=item_id)).values_list("lineage", flat=True)
    return row.first()


def ref_resolve(queryset, item_id, version: str | None):
    """The row a TMF ref names: the exact version row when the id is one (and the version, if given, agrees),
    otherwise that version (or the newest sellable one) of the lineage the id names."""
    lineage = lineage_of(queryset.model, item_id)
    if lineage is None:
        return None
    rows = list(queryset.filter(lineage=lineage))
    exact = next((row for row in rows if str(row.pk) == str(item_id)), None)
    if exact is not None and version in (None, exact.version):
        return exact
    if version is not None:
        return next((row for row in rows if row.version == version), None)
    return newest_version(rows)


def lineage_for_new(model, *, name: str, version: str | None) -> tuple[uuid.UUID | None, str]:
    """(lineage, version) for a new row: joins the lineage of an item of the same name, if any."""
    existing = model.objects.filter(name=name).order_by("created_at").values_list("lineage", flat=True).first()
    if existing is None:
        return None, version or "1.0"
    versions = model.objects.filter(lineage=existing).values_list("version", flat=True)
    return existing, version or next_major_version(versions)


# --- events ----------------------------------------------------------------------------------------------

def catalog_event(obj, *, kind: str) -> None:
    """kind: Create / AttributeValueChange / StateChange / Delete (TMF633 says Change for both changes).
    The model names its TMF API and resource (event_api, event_resource)."""
    api, resource_type = obj.event_api, obj.event_resource
    if api == "tmf633" and kind in ("AttributeValueChange", "StateChange"):
        kind = "Change"
    event_type = f"{resource_type[0].upper()}{resource_type[1:]}{kind}Event"
    event_emit(event_type=event_type, resource_type=resource_type, resource_id=obj.pk, api=api, owner_party_id=PUBLIC,
               payload={"id": str(obj.pk), "name": obj.name, "version": obj.version,
                        "lifecycle_status": obj.lifecycle_status})


def catalog_item_apply(obj: CatalogItem, changes: dict, *, lifecycle_status: str | None = None,
                       relations_changed: bool = False, reason: str = "") -> None:
    """Set plain columns, then move the lifecycle; one event per kind of change. Caller locked obj
    and already replaced any related rows (relations_changed says whether it did)."""
    changed = [field for field, value in changes.items() if getattr(obj, field) != value]
    frozen = [field for field in changed if field not in ALWAYS_EDITABLE] + (["relations"] if relations_changed else [])
    if frozen and obj.lifecycle_status not in EDITABLE_STATUSES:
        raise Conflict(f"{type(obj).__name__} {obj.pk} is {obj.lifecycle_status}: create a new version to change "
                       f"{', '.join(frozen)}", reference_error=frozen[0])
    for field in changed:
        setattr(obj, field, changes[field])
    if changed or relations_changed:
        obj.save(update_fields=[*changed, "updated_at"])
    moved = lifecycle_status is not None and lifecycle_move(obj, lifecycle_status, reason=reason)
    if changed or relations_changed:
        catalog_event(obj, kind="AttributeValueChange")
    if moved:
        catalog_event(obj, kind="StateChange")


def catalog_item_create(model, *, lifecycle_status: str | None = None,
                        fill=None, **columns) -> CatalogItem:
    """Insert a row (for a versioned model: a version of the same-named item, if there is one), let
    fill(obj) add its related rows, walk it to the wanted lifecycle status, emit the Create event.
    Caller holds the transaction."""
    if columns.get("version") is None:
        columns.pop("version", None)
    if issubclass(model, VersionedCatalogItem):
        # Serialise creations of one name, so two concurrent POSTs cannot start two lineages.
        with transaction.get_connection().cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{model._meta.label}:{columns['name']}"])
        lineage, version = lineage_for_new(model, name=columns["name"], version=columns.get("version"))
        if lineage is not None and model.objects.filter(lineage=lineage, version=version).exists():
            raise Conflict(f"{columns['name']!r} version {version} already exists", reference_error="version")
        columns.update(lineage=lineage, version=version)
    obj = model(**columns)
    obj.save()
    if fill is not None:
        fill(obj)
    if lifecycle_status:
        lifecycle_move(obj, lifecycle_status, reason="created")
    catalog_event(obj, kind="Create")
    return obj


def catalog_item_delete(obj: CatalogItem) -> None:
    """Delete a version that was never sold (or is obsolete). Caller locked obj."""
    if obj.lifecycle_status not in DELETABLE_STATUSES:
        raise Conflict(f"{type(obj).__name__} {obj.pk} is {obj.lifecycle_status}; retire it, make it obsolete, "
                       "then delete it", reference_error="lifecycleStatus")
    catalog_event(obj, kind="Delete")
    try:
        with transaction.atomic():
            obj.delete()
    except models.ProtectedError as exc:
        raise Conflict(f"{type(obj).__name__} {obj.pk} is still referenced by {len(exc.protected_objects)} "
                       "other catalog item(s)") from None


def catalog_item_transition(*, item: CatalogItem, transition: str, reason: str = "") -> CatalogItem:
    """Run one lifecycle transition by name (the admin's buttons), with its log and StateChange event."""
    if transition not in LIFECYCLE_TRANSITIONS:
        raise IllegalTransition(f"{transition!r} is not a lifecycle transition")
    with transaction.atomic():
        item = lock(type(item), item.pk)
        transition_apply(item, transition, reason=reason, state_field="lifecycle_status", update_fields=("updated_at",))
        catalog_event(item, kind="StateChange")
    return item


def catalog_item_saved(*, item: CatalogItem, created: bool) -> None:
    """The admin saved a form (columns and inlines): announce it like any other write."""
    catalog_event(item, kind="Create" if created else "AttributeValueChange")


def rows_by_id(model, ids, reference: str) -> list:
    """The rows with these ids, in order, or a 400 naming the first unknown one."""
    ids = [str(i) for i in ids]
    found = {}
    valid = []
    for i in ids:
        try:
            valid.append(uuid.UUID(i))
        except ValueError:
            pass
    if valid:
        found = {str(row.pk): row for row in model.objects.filter(pk__in=valid)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(f"unknown {reference} {missing[0]!r}", reference_error=reference)
    return [found[i] for i in ids]


def lock(model, pk):
    """The row, locked for the rest of the transaction (parents before children)."""
    assert transaction.get_connection().in_atomic_block
    return model.objects.select_for_update().get(pk=pk)


# --- characteristics -------------------------------------------------------------------------------------

class ValueType(models.TextChoices):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    IP_ADDRESS = "ipAddress"
    OBJECT = "object"


class CharacteristicSpec(models.Model):
    """One characteristic of a specification: its value type and the values it may take."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    value_type = models.CharField(max_length=20, choices=ValueType.choices, default=ValueType.STRING)
    configurable = models.BooleanField(default=True)
    min_cardinality = models.PositiveIntegerField(default=0)
    max_cardinality = models.PositiveIntegerField(default=1)
    allowed_values = models.JSONField(default=list, blank=True, help_text="empty: any value of the type")
    default_value = models.JSONField(null=True, blank=True)
    unit_of_measure = models.CharField(max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.name} ({self.value_type})"

    @property
    def is_mandatory(self) -> bool:
        return self.min_cardinality > 0


_PYTHON_TYPES = {ValueType.STRING: (str,), ValueType.IP_ADDRESS: (str,), ValueType.INTEGER: (int,),
                 ValueType.NUMBER: (int, float), ValueType.BOOLEAN: (bool,), ValueType.OBJECT: (dict,)}


def characteristic_value_valid(*, characteristic: CharacteristicSpec, value) -> bool:
    """Whether a value suits the characteristic: its type, and one of the allowed values when listed."""
    types = _PYTHON_TYPES.get(characteristic.value_type, (object,))
    if isinstance(value, bool) and bool not in types:
        return False
    if not isinstance(value, types):
        return False
    return not characteristic.allowed_values or value in characteristic.allowed_values


def characteristics_replace(owner, model, items, *, owner_field: str = "specification") -> bool:
    """Replace owner's characteristic specs with `items` (dicts of CharacteristicSpec columns), validated."""
    rows = []
    for position, item in enumerate(items):
        row = model(**{owner_field: owner}, position=position, **item)
        if row.value_type not in ValueType.values:
            raise ValidationFailed(f"characteristic {row.name!r}: valueType must be one of "
                                   f"{', '.join(ValueType.values)}",
                                   reference_error="valueType")
        probe = [row.default_value] if row.default_value is not None else []
        for value in probe + list(row.allowed_values):
            if not characteristic_value_valid(characteristic=model(value_type=row.value_type), value=value):
                raise ValidationFailed(f"characteristic {row.name!r}: {value!r} is not a {row.value_type}",
                                       reference_error="characteristic")
        if row.default_value is not None and row.allowed_values and row.default_value not in row.allowed_values:
            raise ValidationFailed(f"characteristic {row.name!r}: default is not an allowed value",
                                   reference_error="characteristic")
        if row.min_cardinality > row.max_cardinality:
            raise ValidationFailed(f"characteristic {row.name!r}: minCardinality > maxCardinality",
                                   reference_error="characteristic")
        rows.append(row)
    names = [row.name for row in rows]
    if len(set(names)) != len(names):
        raise ValidationFailed("characteristic names must be unique", reference_error="characteristic")
    model.objects.filter(**{owner_field: owner}).delete()
    model.objects.bulk_create(rows)
    return True


# --- import / export jobs ----------------------------------------------------------------------------------

class JobStatus(models.TextChoices):
    """TMF JobStateType."""

    NOT_STARTED = "Not Started"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"


class CatalogJob(TMFEntity):
    """A TMF importJob or exportJob. Both run within their request (bounded by the body size limit), so a job
    is stored finished: Succeeded, or Failed with its errorLog (a failed import changes nothing)."""

    class Kind(models.TextChoices):
        IMPORT = "import"
        EXPORT = "export"

    kind = models.CharField(max_length=6, choices=Kind.choices, db_index=True)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.NOT_STARTED)
    content_type = models.CharField(max_length=60, default="application/json")
    path = models.CharField(max_length=300, blank=True)
    query = models.CharField(max_length=500, blank=True)
    url = models.TextField(blank=True, help_text="import: where the data came from; export: a data: URL of the dump")
    error_log = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.status} {self.created_at:%Y-%m-%d %H:%M}"


def catalog_job_record(model, *, kind: str, succeeded: bool, url: str = "", query: str = "", path: str = "",
                       content_type: str = "application/json", error_log: str = "") -> CatalogJob:
    return model.objects.create(kind=kind, status=JobStatus.SUCCEEDED if succeeded else JobStatus.FAILED,
                                url=url, query=query, path=path, content_type=content_type,
                                error_log=error_log, completed_at=timezone.now())


def catalog_job_delete(*, job: CatalogJob) -> None:
    job.delete()
