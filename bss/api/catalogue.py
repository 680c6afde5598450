"""Which TMF APIs this build serves, and how to reach their schemas (used by commands and tests)."""
from django.conf import settings
from django.urls import get_resolver

from .routers import MOUNTED_APIS

# APIs whose official v4 conformance kit runs in `make test`, with the client whose token it uses:
# the catalog kits write, and channels may only read the catalog, so they run as the catalog admin client.
CTK_CLIENTS = {"tmf620": "conformance-lab", "tmf633": "conformance-lab", "tmf622": "demo-channel",
               "tmf637": "demo-channel", "tmf638": "demo-channel", "tmf645": "demo-channel",
               "tmf663": "demo-channel"}


def mounted_apis() -> dict[str, dict]:
    get_resolver().url_patterns  # noqa: B018 - loading the URLconf mounts the APIs
    return {code: info for code, info in sorted(MOUNTED_APIS.items()) if code in settings.BSS_TMF_APIS}


def schema_for(code: str) -> dict:
    from drf_spectacular.generators import SchemaGenerator

    info = mounted_apis()[code]
    generator = SchemaGenerator(urlconf=info["urlconf"], title=info["title"], version=info["version"])
    return generator.get_schema(request=None, public=True)
