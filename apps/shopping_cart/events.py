"""TMF663 event names; every event carries the cart's id and its owner (the channel)."""
CART_CREATE = "ShoppingCartCreateEvent"
CART_ATTRIBUTE_VALUE_CHANGE = "ShoppingCartAttributeValueChangeEvent"
CART_STATE_CHANGE = "ShoppingCartStateChangeEvent"
CART_DELETE = "ShoppingCartDeleteEvent"


def cart_payload(cart) -> dict:
    return {"cart_id": str(cart.pk), "status": cart.status, "product_order_id": cart.product_order_id}
