"""Production: everything comes from the environment; nothing insecure by default."""
import os

from .base import *  # noqa: F401,F403

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No simulator to drive in production; a demo deployment may turn the console's controls on explicitly.
BSS_SIMULATOR_CONTROLS = os.environ.get("BSS_SIMULATOR_CONTROLS", "0") == "1"
