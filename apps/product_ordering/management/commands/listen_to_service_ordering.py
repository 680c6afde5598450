from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from bss.errors import DomainError

from ...gateway import HttpGateway


class Command(BaseCommand):
    help = ("With BSS_SERVICE_ORDERING_GATEWAY=http: subscribe COM's TMF641 listener on the external activation "
            "system's /hub, so its service order events come back to COM.")

    def add_arguments(self, parser):
        parser.add_argument("--public-url", required=True, help="how the external system reaches us, e.g. https://bss.example")

    def handle(self, *args, public_url, **options):
        callback = public_url.rstrip("/") + reverse("com-service-order-listener")
        try:
            answer = HttpGateway().hub_register(callback=callback)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"listening at {callback} (hub id {answer.get('id', '?')})")
