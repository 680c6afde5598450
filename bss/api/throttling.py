import logging

from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class ClientRateThrottle(SimpleRateThrottle):
    """A request budget per OAuth client (or user, or address). Fails open if the cache is down."""

    scope = "client"

    def get_cache_key(self, request, view):
        application = getattr(getattr(request, "auth", None), "application_id", None)
        if application:
            ident = f"app:{application}"
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - Redis down must not take the API down with it
            logger.warning("throttle cache unavailable; allowing request")
            return True
