"""Admin shared by both catalogs: lifecycle buttons that go through the services, frozen published versions,
and the "new version from this one" action. Model permissions decide who may change (catalog manager, admin)."""
from django.contrib import admin, messages
from django.db import transaction
from django_fsm import ConcurrentTransition
from django_fsm.admin import FSMAdminMixin

from bss.errors import DomainError

from .catalog_base import EDITABLE_STATUSES, catalog_item_saved, catalog_item_transition

ALWAYS_EDITABLE_IN_ADMIN = ("valid_from", "valid_to")


class CatalogItemAdmin(FSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["lifecycle_status"]
    list_display = ("name", "version", "lifecycle_status", "valid_from", "valid_to", "updated_at")
    list_filter = ("lifecycle_status",)
    search_fields = ("name", "=id", "description")
    readonly_fields = ("id", "created_at", "updated_at")
    #: service(<item>) making the lineage's next version, on versioned models
    new_version_service = None

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.new_version_service is None:
            actions.pop("new_version", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.lifecycle_status not in EDITABLE_STATUSES:
            # A published version is frozen: only its validity may move; changes go into a new version.
            editable = set(ALWAYS_EDITABLE_IN_ADMIN)
            fields += [f.name for f in self.model._meta.get_fields()
                       if getattr(f, "editable", False) and f.name not in editable and f.name not in fields
                       and not f.auto_created]
        return fields

    def get_inline_instances(self, request, obj=None):
        if obj is not None and obj.lifecycle_status not in EDITABLE_STATUSES:
            return []
        return super().get_inline_instances(request, obj)

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None) -> bool:
        try:
            catalog_item_transition(item=obj, transition=transition_name, reason=f"admin: {request.user}")
        except (DomainError, ConcurrentTransition) as exc:
            self.message_user(request, f"{transition_name}: {exc}", level=messages.ERROR)
            return False
        return True

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            catalog_item_saved(item=form.instance, created=not change)

    @admin.action(description="New version from this one", permissions=["add"])
    def new_version(self, request, queryset):
        for item in queryset:
            try:
                created = type(self).new_version_service(item)
            except DomainError as exc:
                self.message_user(request, f"{item}: {exc}", level=messages.ERROR)
            else:
                self.message_user(request, f"created {created}")

    actions = ["new_version"]
