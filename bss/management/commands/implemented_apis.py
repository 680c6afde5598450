from django.core.management.base import BaseCommand

from bss.api.catalogue import CTK_CLIENTS, mounted_apis


class Command(BaseCommand):
    help = "List the TMF APIs this build serves. --ctk: one line 'TMFnnn <client>' per API with an official v4 kit."

    def add_arguments(self, parser):
        parser.add_argument("--ctk", action="store_true")

    def handle(self, *args, ctk, **options):
        for code, info in mounted_apis().items():
            if ctk:
                if code in CTK_CLIENTS:
                    self.stdout.write(f"{code.upper()} {CTK_CLIENTS[code]}")
            else:
                self.stdout.write(f"{code.upper()} {info['base_path']}")
