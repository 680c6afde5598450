from django.core.management.base import BaseCommand, CommandError

from bss.errors import IllegalTransition, NotFound


class Command(BaseCommand):
    help = ("An operator attributes an orphan (a drift record) to a service specification: activation adopts the "
            "configuration into TMF638 under it. Refused when the spec is not one activation builds there.")

    def add_arguments(self, parser):
        parser.add_argument("drift_id")
        parser.add_argument("--spec", required=True, help="service specification id (in activation's spec cache)")
        parser.add_argument("--spec-version", default="", help="its version (the newest cached when omitted)")

    def handle(self, *args, drift_id, spec, spec_version, **options):
        from ...services import drift_adopt

        try:
            drift = drift_adopt(drift_id=drift_id, spec_id=spec, spec_version=spec_version)
        except (IllegalTransition, NotFound) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"adoption of {drift.service_id} on {drift.platform} asked of activation")
