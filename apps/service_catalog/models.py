"""TMF633 service catalog: catalogs, categories, candidates and versioned service specifications.

Service specifications carry two documented extensions beyond TMF633: the configuration template
(characteristic name → network parameter) and activation metadata (family, activator, step timeouts,
reconciliation frequency), which activation reads through `selectors.service_specification_activation`."""
from django.db import models

from .catalog_base import CatalogItem, CatalogJob, CharacteristicSpec, VersionedCatalogItem
from .choices import ServiceFamily, SpecKind


class ServiceCategory(CatalogItem):
    event_api, event_resource = "tmf633", "serviceCategory"
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")

    class Meta(CatalogItem.Meta):
        verbose_name_plural = "service categories"

    @property
    def is_root(self) -> bool:
        return self.parent_id is None


class ServiceCatalog(CatalogItem):
    event_api, event_resource = "tmf633", "serviceCatalog"
    categories = models.ManyToManyField(ServiceCategory, blank=True, related_name="catalogs")


class ServiceSpecification(VersionedCatalogItem):
    event_api, event_resource = "tmf633", "serviceSpecification"
    is_bundle = models.BooleanField(default=False)
    family = models.CharField(max_length=20, choices=ServiceFamily.choices, blank=True)
    activator = models.CharField(max_length=100, blank=True, help_text="activator name within the family")
    step_timeouts = models.JSONField(default=dict, blank=True, help_text="activation step → seconds")
    reconcile_every_seconds = models.PositiveIntegerField(null=True, blank=True)
    config_template = models.JSONField(default=dict, blank=True,
                                       help_text="characteristic name → network parameter name")
    resource_specifications = models.JSONField(default=list, blank=True,
                                               help_text="refs {id, name, version, href} to resource specs")

    class Meta(VersionedCatalogItem.Meta):
        pass

    @property
    def is_cfs(self) -> bool:
        return self.at_type != SpecKind.RFS


class ServiceSpecCharacteristic(CharacteristicSpec):
    specification = models.ForeignKey(ServiceSpecification, on_delete=models.CASCADE, related_name="characteristics")

    class Meta(CharacteristicSpec.Meta):
        constraints = [models.UniqueConstraint(fields=["specification", "name"], name="service_spec_char_once")]


class ServiceSpecRelationship(models.Model):
    """A CFS relying on an RFS (or any spec on another), pinned to the target's version row."""

    source = models.ForeignKey(ServiceSpecification, on_delete=models.CASCADE, related_name="relationships")
    target = models.ForeignKey(ServiceSpecification, on_delete=models.PROTECT, related_name="+")
    relationship_type = models.CharField(max_length=40, default="dependency")
    role = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["source", "target", "relationship_type"],
                                               name="service_spec_relationship_once")]


class ServiceCandidate(CatalogItem):
    event_api, event_resource = "tmf633", "serviceCandidate"
    service_specification = models.ForeignKey(ServiceSpecification, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="candidates")
    categories = models.ManyToManyField(ServiceCategory, blank=True, related_name="candidates")


class ServiceCatalogJob(CatalogJob):
    """TMF633 importJob / exportJob."""
