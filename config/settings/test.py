"""`make test`: real PostgreSQL and Redis started by scripts/test.sh."""
import os

from .base import *  # noqa: F401,F403
from .base import DATABASES

# Parallel local runs (several developers, one server) keep their own test database.
DATABASES["default"]["TEST"] = {"NAME": "test_bss" + os.environ.get("BSS_TEST_DB_SUFFIX", "")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"client": "100000/min"}}  # noqa: F405
BSS_HUB_BACKOFF_BASE = float(os.environ.get("BSS_HUB_BACKOFF_BASE", "0.2"))
BSS_HUB_MAX_ATTEMPTS = int(os.environ.get("BSS_HUB_MAX_ATTEMPTS", "4"))  # dead letters within a flow test
# Subscribers used only by the platform's own flow tests (loaded by the test worker too).
BSS_SIMULATOR_CONTROLS = os.environ.get("BSS_SIMULATOR_CONTROLS", "1") == "1"  # tests drive the simulator
BSS_EXTRA_HANDLER_MODULES = ["tests.bss.flow_handlers"]
BSS_HUB_ALLOW_LOCAL_CALLBACKS = os.environ.get("BSS_HUB_ALLOW_LOCAL_CALLBACKS", "1") == "1"  # listeners on 127.0.0.1
