from django.db import models

from apps.service_catalog.catalog_base import LifecycleStatus  # noqa: F401 (one lifecycle for both catalogs)


class PriceType(models.TextChoices):
    RECURRING = "recurring"
    ONE_TIME = "oneTime"
    USAGE = "usage"
