from django.http import JsonResponse

from .routers import MOUNTED_APIS


def api_index(request):
    """Lists the mounted TMF APIs with their base paths, schemas and docs."""
    apis = [{"api": code.upper(), "title": info["title"], "version": info["version"],
             "basePath": info["base_path"], "openapi": info["base_path"] + "openapi.json",
             "docs": info["base_path"] + "docs"}
            for code, info in sorted(MOUNTED_APIS.items())]
    return JsonResponse({"apis": apis})
