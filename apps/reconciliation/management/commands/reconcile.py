import json

from django.core.management.base import BaseCommand, CommandError

from apps.service_catalog.choices import ServiceFamily


class Command(BaseCommand):
    help = ("Compare TMF638 with the network for one family or all: --now runs the pass here and prints a summary; "
            "without it a worker runs it (queue reconcile).")

    def add_arguments(self, parser):
        parser.add_argument("--family", action="append", choices=ServiceFamily.values,
                            help="a service family (repeatable); all families when omitted")
        parser.add_argument("--now", action="store_true", help="run synchronously instead of queueing the jobs")
        parser.add_argument("--batch", type=int, help="services per page")

    def handle(self, *args, family=None, now=False, batch=None, **options):
        from bss.events import enqueue_safely

        from ...choices import DetectedBy
        from ...services import reconcile_family

        families = family or ServiceFamily.values
        if not now:
            for name in families:
                if not enqueue_safely("apps.reconciliation.tasks.reconcile_family_task", name, True, queue="reconcile"):
                    raise CommandError("the broker is unavailable; use --now")
            self.stdout.write(f"queued: {', '.join(families)}")
            return
        summaries = [reconcile_family(family=name, detected_by=DetectedBy.MANUAL, batch=batch) for name in families]
        for summary in summaries:
            self.stdout.write(json.dumps(summary))
        self.stdout.write(f"total: {sum(s['services_checked'] for s in summaries)} services checked, "
                          f"{sum(s['drifts_found'] for s in summaries)} drift(s) found")
