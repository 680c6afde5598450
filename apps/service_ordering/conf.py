"""Activation tunables: settings, overridable per process by environment (the flow tests shorten them)."""
import os

from django.conf import settings


def _number(name: str, default: float) -> float:
    return float(os.environ.get(name, getattr(settings, name, default)))


def stale_after_seconds() -> float:
    """A running step not finished after this long lost its worker. Steps are bounded by adapter timeouts
    well below it; a late finisher is harmless because the network call is idempotent."""
    return _number("BSS_ACTIVATION_STALE_SECONDS", 30)


def backoff_base_seconds() -> float:
    return _number("BSS_ACTIVATION_BACKOFF_SECONDS", 2)


def max_attempts() -> int:
    return int(_number("BSS_ACTIVATION_MAX_ATTEMPTS", 5))


def default_step_timeout_seconds() -> float:
    """How long a step waits for a platform's callback when the spec names no timeout for it."""
    return _number("BSS_ACTIVATION_STEP_TIMEOUT_SECONDS", 60)


def countdown_limit_seconds() -> float:
    """Retries due sooner than this ride a broker countdown; later ones wait for the sweeper (next_attempt_at)."""
    return 30.0


def repair_max_attempts() -> int:
    """Network calls a repair job makes before it opens a fallout case."""
    return int(_number("BSS_REPAIR_MAX_ATTEMPTS", 3))


def repair_backoff_seconds() -> float:
    """First retry delay of a repair job (doubles, +0–50 % jitter)."""
    return _number("BSS_REPAIR_BACKOFF_SECONDS", 1)
