"""Every TMF API, each version at its standard base path: an app that serves one has api/urls.py (v4) and
api/<version>/urls.py (later versions), each with `urlpatterns`."""
import importlib

from django.conf import settings
from django.urls import path

from bss.api.index import api_docs_index, api_index
from bss.api.versions import VERSIONS

urlpatterns = [
    path("tmf-api/", api_index, name="tmf-api-index"),
    path("tmf-api/docs/", api_docs_index, name="tmf-api-docs"),
]

for app in settings.INSTALLED_APPS:
    if not app.startswith("apps."):
        continue
    # v4 at api/urls.py; each later version beside it at api/<version>/urls.py (docs/adr/0008-tmf-v5-beside-v4.md).
    for module_name in [f"{app}.api.urls"] + [f"{app}.api.{version}.urls" for version in VERSIONS]:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if not module_name.startswith(exc.name or "-"):
                raise
            continue
        urlpatterns += module.urlpatterns
