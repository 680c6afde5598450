from django.db import models


class PartyKind(models.TextChoices):
    INDIVIDUAL = "individual"
    ORGANIZATION = "organization"
    CHANNEL = "channel"
    PARTNER = "partner"


class Segment(models.TextChoices):
    RESIDENTIAL = "residential"
    BUSINESS = "business"
