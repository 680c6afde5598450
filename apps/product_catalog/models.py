"""TMF620 product catalog: catalogs, categories, prices, and versioned offerings and specifications.

Offerings and specifications are versioned (apps/service_catalog/catalog_base.py explains the scheme).
References inside this catalog are foreign keys to the exact version row; references to the service
catalog are (id, version) pairs, never foreign keys."""
from decimal import Decimal

from django.db import models

from apps.service_catalog.catalog_base import CatalogItem, CatalogJob, CharacteristicSpec, VersionedCatalogItem

from .choices import PriceType


class Category(CatalogItem):
    event_api, event_resource = "tmf620", "category"
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")

    class Meta(CatalogItem.Meta):
        verbose_name_plural = "categories"

    @property
    def is_root(self) -> bool:
        return self.parent_id is None


class Catalog(CatalogItem):
    event_api, event_resource = "tmf620", "catalog"
    catalog_type = models.CharField(max_length=60, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="catalogs")


class ProductSpecification(VersionedCatalogItem):
    event_api, event_resource = "tmf620", "productSpecification"
    brand = models.CharField(max_length=100, blank=True)
    product_number = models.CharField(max_length=60, blank=True)
    is_bundle = models.BooleanField(default=False)
    resource_specifications = models.JSONField(default=list, blank=True,
                                               help_text="refs {id, name, version, href} to resource specs")

    class Meta(VersionedCatalogItem.Meta):
        pass

    @property
    def service_specification_refs(self) -> list[tuple[str, str]]:
        """The product-to-service link: (service spec id, version) pairs, in order."""
        return [(ref.service_spec_id, ref.service_spec_version) for ref in self.service_refs.all()]


class ProductSpecCharacteristic(CharacteristicSpec):
    specification = models.ForeignKey(ProductSpecification, on_delete=models.CASCADE, related_name="characteristics")

    class Meta(CharacteristicSpec.Meta):
        constraints = [models.UniqueConstraint(fields=["specification", "name"], name="product_spec_char_once")]


class ProductSpecServiceRef(models.Model):
    """A service specification (of the service catalog, by id and version) that realises a product spec."""

    specification = models.ForeignKey(ProductSpecification, on_delete=models.CASCADE, related_name="service_refs")
    service_spec_id = models.CharField(max_length=64)
    service_spec_version = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["specification", "service_spec_id", "service_spec_version"],
                                               name="product_spec_service_ref_once")]


class ProductSpecRelationship(models.Model):
    source = models.ForeignKey(ProductSpecification, on_delete=models.CASCADE, related_name="relationships")
    target = models.ForeignKey(ProductSpecification, on_delete=models.PROTECT, related_name="+")
    relationship_type = models.CharField(max_length=40, default="dependency")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["source", "target", "relationship_type"],
                                               name="product_spec_relationship_once")]


class ProductOfferingPrice(CatalogItem):
    """A recurring, one-time or usage price; `amount` excludes tax, `tax_rate` is a percentage."""

    event_api, event_resource = "tmf620", "productOfferingPrice"
    price_type = models.CharField(max_length=20, choices=PriceType.choices, default=PriceType.RECURRING,
                                  db_index=True)
    is_bundle = models.BooleanField(default=False)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="EUR")
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    tax_category = models.CharField(max_length=40, blank=True, default="VAT")
    recurring_period_type = models.CharField(max_length=20, blank=True, help_text="e.g. month")
    recurring_period_length = models.PositiveIntegerField(null=True, blank=True)
    unit_of_measure = models.CharField(max_length=20, blank=True, help_text="usage prices: per what, e.g. GB")

    @property
    def amount_with_tax(self):
        return (self.amount * (100 + self.tax_rate) / 100).quantize(Decimal("0.01"))


class ProductOffering(VersionedCatalogItem):
    event_api, event_resource = "tmf620", "productOffering"
    is_bundle = models.BooleanField(default=False)
    sold_standalone = models.BooleanField(default=True, help_text="TMF isSellable: may be sold on its own")
    status_reason = models.CharField(max_length=200, blank=True)
    product_specification = models.ForeignKey(ProductSpecification, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="offerings")
    external_specification = models.JSONField(
        null=True, blank=True, help_text="a productSpecification ref to another catalog ({id, href, name, version})")
    offering_prices = models.ManyToManyField(ProductOfferingPrice, blank=True, related_name="offerings")
    categories = models.ManyToManyField(Category, blank=True, related_name="offerings")

    class Meta(VersionedCatalogItem.Meta):
        pass

    @property
    def prices(self) -> list[ProductOfferingPrice]:
        return list(self.offering_prices.all())

    @property
    def bundled_offerings(self) -> list["ProductOffering"]:
        return [link.offering for link in self.bundle_links.all()]


class BundledOffering(models.Model):
    """A child offering (exact version) inside a bundle offering, with how many of it may be ordered."""

    bundle = models.ForeignKey(ProductOffering, on_delete=models.CASCADE, related_name="bundle_links")
    offering = models.ForeignKey(ProductOffering, on_delete=models.PROTECT, related_name="bundled_in")
    lower_limit = models.PositiveIntegerField(default=1)
    upper_limit = models.PositiveIntegerField(default=1)
    default_count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "offering"], name="bundled_offering_once")]


class OfferingRelationship(models.Model):
    """E.g. an add-on that `requires` another offering (IPTV needs broadband); read by qualification."""

    source = models.ForeignKey(ProductOffering, on_delete=models.CASCADE, related_name="relationships")
    target = models.ForeignKey(ProductOffering, on_delete=models.PROTECT, related_name="+")
    relationship_type = models.CharField(max_length=40, default="requires")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["source", "target", "relationship_type"],
                                               name="offering_relationship_once")]


class ProductCatalogJob(CatalogJob):
    """TMF620 importJob / exportJob."""
