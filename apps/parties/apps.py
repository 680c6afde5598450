from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "apps.parties"
    label = "parties"
    verbose_name = "Parties"
    default_auto_field = "django.db.models.BigAutoField"
