import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo data of every app that has a demo.py (idempotent): admin, demo-channel, catalog, …"

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                summary = module.seed()
            self.stdout.write(f"{config.label}: {summary or 'ok'}")
