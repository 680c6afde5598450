from django.db import models


class CartStatus(models.TextChoices):
    ACTIVE = "active"
    CHECKED_OUT = "checkedOut"


class ItemAction(models.TextChoices):
    ADD = "add"
    MODIFY = "modify"
    DELETE = "delete"
    NO_CHANGE = "noChange"
