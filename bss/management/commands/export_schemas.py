import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from bss.api.catalogue import mounted_apis, schema_for

OUT = Path(settings.BASE_DIR) / "docs" / "openapi"


class Command(BaseCommand):
    help = "Write each served TMF API's OpenAPI schema to docs/openapi/<api>.json (committed; a test checks drift)."

    def handle(self, *args, **options):
        OUT.mkdir(parents=True, exist_ok=True)
        for code in mounted_apis():
            path = OUT / f"{code}.json"
            path.write_text(json.dumps(schema_for(code), indent=1, sort_keys=True) + "\n")
            self.stdout.write(str(path.relative_to(settings.BASE_DIR)))
