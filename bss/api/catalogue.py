"""Which TMF APIs this build serves, and how to reach their schemas (used by commands and tests)."""
from django.conf import settings
from django.urls import get_resolver

from .routers import MOUNTED_APIS
from .versions import V4, api_family, api_version

# APIs whose official v4 conformance kit runs in `make test`, with the client whose token it uses:
# the catalog kits write, and channels may only read the catalog, so they run as the catalog admin client.
CTK_CLIENTS = {"tmf620": "conformance-lab", "tmf633": "conformance-lab", "tmf622": "demo-channel",
               "tmf637": "demo-channel", "tmf638": "demo-backoffice", "tmf645": "demo-channel",
               "tmf663": "demo-channel"}


# The official spec each API is built against (found in TMF_SPECS_DIR, never copied into the project).
SPEC_FILES = {
    "tmf620": "TMF620-ProductCatalog-v4.1.0.swagger.json",
    "tmf622": "TMF622-ProductOrdering-v4.0.0.swagger.json",
    "tmf633": "TMF633-ServiceCatalog-v4.0.0.swagger.json",
    "tmf637": "TMF637-ProductInventory-v4.0.0.swagger.json",
    "tmf638": "TMF638-ServiceInventory-v4.0.0.swagger.json",
    "tmf641": "TMF641-ServiceOrdering-v4.1.0.swagger.json",
    "tmf645": "TMF645-ServiceQualification-v4.0.0.swagger.json",
    "tmf663": "TMF663-ShoppingCart-v4.0.0.swagger.json",
    "tmf679": "TMF679-ProductOfferingQualification-v4.0.0.swagger.json",
    "tmf620-v5": "TMF620-ProductCatalog-v5.0.0.oas.yaml",
    "tmf622-v5": "TMF622-ProductOrdering-v5.0.0.oas.yaml",
    "tmf637-v5": "TMF637-ProductInventory-v5.0.0.oas.yaml",
    "tmf638-v5": "TMF638-ServiceInventory-v5.0.0.oas.yaml",
    "tmf663-v5": "TMF663-ShoppingCart-v5.0.0.oas.yaml",
    "tmf679-v5": "TMF679-ProductOfferingQualification-v5.0.0.oas.yaml",
}


def mounted_resources(version: str = V4) -> list[tuple[str, str, str]]:
    """(api, resource, list path) for every TMF resource served in `version`, hub excluded."""
    found = []
    for code, info in mounted_apis().items():
        if api_version(code) != version:
            continue
        for pattern in info["urlconf"].urlpatterns[0].url_patterns:
            name = pattern.name or ""
            if name.endswith("-list") and name != "hub-list":
                resource = name[: -len("-list")]
                found.append((code, resource, info["base_path"] + resource))
    return found


def mounted_apis() -> dict[str, dict]:
    get_resolver().url_patterns  # noqa: B018 - loading the URLconf mounts the APIs
    return {code: info for code, info in sorted(MOUNTED_APIS.items()) if api_family(code) in settings.BSS_TMF_APIS}


def schema_for(code: str) -> dict:
    from drf_spectacular.generators import SchemaGenerator

    info = mounted_apis()[code]
    generator = SchemaGenerator(urlconf=info["urlconf"], title=info["title"], version=info["version"])
    schema = generator.get_schema(request=None, public=True)
    return info["schema_hook"](schema) if info.get("schema_hook") else schema
