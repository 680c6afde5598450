"""Every TMF API, each at its standard base path: an app that serves one has api/urls.py with `api_urlpattern`."""
import importlib

from django.conf import settings
from django.urls import path

from bss.api.index import api_docs_index, api_index

urlpatterns = [
    path("tmf-api/", api_index, name="tmf-api-index"),
    path("tmf-api/docs/", api_docs_index, name="tmf-api-docs"),
]

for app in settings.INSTALLED_APPS:
    if not app.startswith("apps."):
        continue
    try:
        module = importlib.import_module(f"{app}.api.urls")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"{app}.api", f"{app}.api.urls"):
            raise
        continue
    urlpatterns += module.urlpatterns
