from django.core.exceptions import ValidationError

from .models import Service


def service_list():
    return Service.objects.all()


def service_get(*, service_id) -> Service | None:
    try:
        return Service.objects.filter(pk=service_id).first()
    except (ValueError, TypeError, ValidationError):  # malformed id → unknown service
        return None


def service_get_for_update(*, service_id) -> Service | None:
    try:
        return Service.objects.select_for_update().filter(pk=service_id).first()
    except (ValueError, TypeError, ValidationError):
        return None
