"""Reconciliation tunables (environment overrides settings; the flow tests shorten them)."""
import os

from django.conf import settings


def _number(name: str, default: float) -> float:
    return float(os.environ.get(name, getattr(settings, name, default)))


def batch_size() -> int:
    """Services compared per query round trip; bounds the memory of a pass."""
    return int(_number("BSS_RECONCILE_BATCH", 2000))


def tick_seconds() -> float:
    """How often each family's beat job wakes up to see whether its spec frequency makes it due."""
    return _number("BSS_RECONCILE_TICK_SECONDS", 10)


def default_every_seconds() -> float:
    """Frequency of a family whose specs name none."""
    return _number("BSS_RECONCILE_DEFAULT_EVERY_SECONDS", 300)
