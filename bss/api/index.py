from django.http import HttpResponse, JsonResponse

from .routers import MOUNTED_APIS
from .versions import api_family


def api_index(request):
    """Lists the mounted TMF APIs with their base paths, schemas and docs."""
    apis = [{"api": api_family(code).upper(), "title": info["title"], "version": info["version"],
             "basePath": info["base_path"], "openapi": info["base_path"] + "openapi.json",
             "docs": info["base_path"] + "docs"}
            for code, info in sorted(MOUNTED_APIS.items())]
    return JsonResponse({"apis": apis})


def api_docs_index(request):
    """A landing page linking each API's Swagger UI."""
    from django.utils.html import format_html_join

    links = format_html_join("", '<li><a href="{}docs">{} — {} v{}</a></li>',
                             ((info["base_path"], api_family(code).upper(), info["title"], info["version"])
                              for code, info in sorted(MOUNTED_APIS.items())))
    return HttpResponse(f"<!doctype html><title>TMF API docs</title><h1>TMF Open APIs</h1><ul>{links}</ul>")
