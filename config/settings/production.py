"""Production: everything comes from the environment; nothing insecure by default.

A start with a missing or well-known secret key, or without ALLOWED_HOSTS, refuses with a message that says what
to set. Demo access (the admin/admin user, the demo-channel and conformance-lab clients) and the simulator's
controls exist only when explicitly asked for (BSS_DEMO_ACCESS=1, BSS_SIMULATOR_CONTROLS=1). docs/deploy.md lists
every variable read here."""
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import DEV_SECRET_KEY


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if not key:
        raise ImproperlyConfigured("production refuses to start: set DJANGO_SECRET_KEY to a random value of at "
                                   "least 50 characters (e.g. python -c 'import secrets; "
                                   "print(secrets.token_urlsafe(50))')")
    if key == DEV_SECRET_KEY or key.startswith("django-insecure") or len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured("production refuses to start: DJANGO_SECRET_KEY is a default or weak key; "
                                   "set a random value of at least 50 characters")
    return key


def _allowed_hosts() -> list[str]:
    hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
    if not hosts or "*" in hosts:
        raise ImproperlyConfigured("production refuses to start: set ALLOWED_HOSTS to the comma-separated host "
                                   "names the web tier answers for (not '*')")
    return hosts


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _allowed_hosts()

# TLS ends at the proxy in front (docs/deploy.md), which sets X-Forwarded-Proto; plain HTTP is redirected, except
# for the probes and the scrape that reach the pods directly.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("BSS_SSL_REDIRECT", "1") == "1"
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("BSS_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("BSS_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("BSS_HSTS_PRELOAD", "0") == "1"
# Preloading submits the operator's domain to the browsers' list: their decision, not a default of ours.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [origin for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin]

# Nothing with a well-known credential, and no simulator to drive, unless a demo deployment asks for it.
BSS_DEMO_ACCESS = os.environ.get("BSS_DEMO_ACCESS", "0") == "1"
BSS_SIMULATOR_CONTROLS = os.environ.get("BSS_SIMULATOR_CONTROLS", "0") == "1"

# OAuth 2.0 Security BCP (RFC 9700): every compliant behaviour django-oauth-toolkit offers. Channels use client
# credentials only, so none of the legacy grants is missed.
OAUTH2_PROVIDER = {  # noqa: F405
    **OAUTH2_PROVIDER,  # noqa: F405
    **{f"COMPLIANT_BCP_RFC9700_{name}": True for name in (
        "IMPLICIT_GRANT", "PASSWORD_GRANT", "PKCE_METHOD", "ACCESS_TOKEN_TRANSPORT", "AUTHZ_RESPONSE_ISS",
        "TOKEN_STORAGE", "REFRESH_TOKEN", "REDIRECT_URI_SCHEME")},
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# The committed per-API schemas are checked by their drift test; a deploy check need not rebuild them.
SPECTACULAR_SETTINGS = {**SPECTACULAR_SETTINGS, "ENABLE_DJANGO_DEPLOY_CHECK": False}  # noqa: F405
