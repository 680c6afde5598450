from django.core.management.base import BaseCommand, CommandError

from bss.errors import NotFound

from ...services import token_issue


class Command(BaseCommand):
    help = "Print a fresh OAuth2 access token for a registered API client (e.g. demo-channel)."

    def add_arguments(self, parser):
        parser.add_argument("client")
        parser.add_argument("--scope", action="append", help="restrict to these scopes (repeatable)")

    def handle(self, *args, client, scope, **options):
        try:
            token = token_issue(client_name=client, scopes=scope)
        except NotFound as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token.token)
