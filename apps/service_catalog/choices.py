from django.db import models


class ServiceFamily(models.TextChoices):
    """Which activator (and reconciliation schedule) a service specification belongs to."""

    FIBRE_ACCESS = "fibre_access"
    IP_ADDRESS = "ip_address"
    MANAGED_CPE = "managed_cpe"
    IPTV = "iptv"
    VOIP = "voip"
    MOBILE = "mobile"


class SpecKind(models.TextChoices):
    """TMF633 @type of a service specification."""

    CFS = "CustomerFacingServiceSpecification"
    RFS = "ResourceFacingServiceSpecification"
