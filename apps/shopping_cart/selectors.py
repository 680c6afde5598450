from django.db.models import QuerySet

from .models import ShoppingCart


def shopping_cart_list() -> QuerySet[ShoppingCart]:
    return ShoppingCart.objects.prefetch_related("items")


def shopping_cart_get(*, cart_id) -> ShoppingCart | None:
    try:
        return shopping_cart_list().filter(pk=cart_id).first()
    except (ValueError, TypeError, Exception):  # malformed uuid → unknown cart
        return None
