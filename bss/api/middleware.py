from django.conf import settings

from .errors import json_error


class TMFRequestGuardMiddleware:
    """Refuses oversized bodies on the TMF APIs before any parser reads them (DRF streams past Django's check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/tmf-api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return json_error(request, 400, "MALFORMED_REQUEST", "Bad Content-Length")
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return json_error(request, 413, "PAYLOAD_TOO_LARGE", "Request body too large",
                                  f"at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes")
        return self.get_response(request)
