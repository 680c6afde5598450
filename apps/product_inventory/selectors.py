from django.db.models import QuerySet

from .models import Product


def product_list() -> QuerySet[Product]:
    return Product.objects.all()


def product_get(*, product_id) -> Product | None:
    try:
        return Product.objects.filter(pk=product_id).first()
    except (ValueError, TypeError, Exception):  # malformed uuid → unknown product
        return None


def product_list_realized_by(*, service_id: str) -> QuerySet[Product]:
    """Products one of whose realizing services is this TMF638 service."""
    return Product.objects.filter(realizing_services__contains=[{"service_id": str(service_id)}])
