"""One error shape for every failure: {code, reason, message, status, referenceError?}."""
import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

from bss.errors import DomainError

logger = logging.getLogger(__name__)

# The database is down, restarting or timed out a statement: the client may try again (OperationalError covers
# refused connections, "the database system is shutting down" and statement timeouts; InterfaceError a
# connection the server closed under us).
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5

_DRF_CODES = {
    drf.ParseError: ("MALFORMED_REQUEST", "Malformed request body"),
    drf.ValidationError: ("INVALID_REQUEST", "Invalid request"),
    drf.NotAuthenticated: ("UNAUTHORIZED", "Authentication required"),
    drf.AuthenticationFailed: ("UNAUTHORIZED", "Authentication failed"),
    drf.PermissionDenied: ("FORBIDDEN", "Not allowed"),
    drf.NotFound: ("NOT_FOUND", "Resource not found"),
    drf.MethodNotAllowed: ("METHOD_NOT_ALLOWED", "Method not allowed"),
    drf.NotAcceptable: ("NOT_ACCEPTABLE", "Not acceptable"),
    drf.UnsupportedMediaType: ("UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"),
    drf.Throttled: ("TOO_MANY_REQUESTS", "Too many requests"),
}


def tmf_error_body(status: int, code: str, reason: str, message: str = "", reference_error: str | None = None):
    body = {"code": code, "reason": reason, "message": message or reason, "status": str(status),
            "@type": "Error"}
    if reference_error:
        body["referenceError"] = reference_error
    return body


def flatten_validation(detail, prefix: str = "") -> list[str]:
    """DRF's nested error dict as 'field.sub: message' lines."""
    if isinstance(detail, dict):
        lines = []
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            lines += flatten_validation(value, f"{prefix}.{name}".strip(".") if name else prefix)
        return lines
    if isinstance(detail, list):
        lines = []
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                lines += flatten_validation(value, f"{prefix}[{index}]")
            else:
                lines += flatten_validation(value, prefix)
        return lines
    return [f"{prefix}: {detail}" if prefix else str(detail)]


def error_for(exc) -> tuple[int, dict, dict]:
    """(status, body, headers) for any exception; unknown ones are 500 and logged."""
    headers = {}
    if isinstance(exc, DomainError):
        return exc.status, tmf_error_body(exc.status, exc.code, exc.reason, exc.message, exc.reference_error), headers
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    if isinstance(exc, (DjangoPermissionDenied,)):
        exc = drf.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(exc.messages)
    if isinstance(exc, RequestDataTooBig):
        return 413, tmf_error_body(413, "PAYLOAD_TOO_LARGE", "Request body too large", str(exc)), headers
    if isinstance(exc, drf.APIException):
        code, reason = next(((c, r) for cls, (c, r) in _DRF_CODES.items() if isinstance(exc, cls)),
                            ("ERROR", "Error"))
        if isinstance(exc, drf.ValidationError):
            lines = flatten_validation(exc.detail)
            message = "; ".join(lines)
            first = lines[0].split(":", 1)[0] if lines and ":" in lines[0] else None
            return exc.status_code, tmf_error_body(exc.status_code, code, reason, message, first), headers
        if isinstance(exc, drf.Throttled) and exc.wait:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
            headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return exc.status_code, tmf_error_body(exc.status_code, code, reason, str(exc.detail)), headers
    if isinstance(exc, IntegrityError):
        return 409, tmf_error_body(409, "CONFLICT", "Conflicting write", "the request conflicts with existing data"), headers
    if isinstance(exc, UNAVAILABLE):
        return unavailable(exc)
    if isinstance(exc, DatabaseError):
        logger.exception("database error")
        return 400, tmf_error_body(400, "INVALID_REQUEST", "Invalid request", "the request could not be stored"), headers
    logger.exception("unhandled error", exc_info=exc)
    return 500, tmf_error_body(500, "INTERNAL_ERROR", "Internal error", "an unexpected error occurred"), headers


def unavailable(exc) -> tuple[int, dict, dict]:
    logger.warning("database unavailable: %s", exc.__class__.__name__, exc_info=exc)
    return 503, tmf_error_body(503, "SERVICE_UNAVAILABLE", "Service unavailable", "try again later"), {
        "Retry-After": str(RETRY_AFTER_SECONDS)}


def tmf_exception_handler(exc, context):
    status, body, headers = error_for(exc)
    return Response(body, status=status, headers=headers)


def json_error(request, status: int, code: str, reason: str, message: str = ""):
    return JsonResponse(tmf_error_body(status, code, reason, message), status=status)


# Django-level handlers (routes that never reached DRF: unknown paths, errors outside views).
def handler400(request, exception=None):
    return json_error(request, 400, "MALFORMED_REQUEST", "Bad request")


def handler403(request, exception=None):
    return json_error(request, 403, "FORBIDDEN", "Not allowed")


def handler404(request, exception=None):
    return json_error(request, 404, "NOT_FOUND", "Resource not found", f"no route for {request.path}")


def handler500(request):
    # Django calls it while handling the exception (outside DRF: middleware, sessions, console pages).
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE):
        status, body, headers = unavailable(exc)
        return JsonResponse(body, status=status, headers=headers)
    return json_error(request, 500, "INTERNAL_ERROR", "Internal error", "an unexpected error occurred")
