import uuid

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .choices import CartStatus, ItemAction


class ShoppingCart(ConcurrentTransitionMixin, models.Model):
    """A channel's persisted pre-order intent (TMF663), priced from the catalog; checkout turns it into an order.

    Cross-context references (customer, offerings, the product order) are ids + versions, not foreign keys."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey("parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = FSMField(choices=CartStatus.choices, default=CartStatus.ACTIVE, protected=True)
    customer_party_id = models.CharField(max_length=64, blank=True, db_index=True)
    related_parties = models.JSONField(default=list, blank=True)  # [{"party_id", "role", "name", "kind"}]
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)  # expiry: checkout is refused after it
    product_order_id = models.CharField(max_length=64, blank=True)  # set by checkout
    at_type = models.CharField(max_length=100, blank=True)
    at_base_type = models.CharField(max_length=100, blank=True)
    at_schema_location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self):
        return f"cart {self.pk} ({self.status})"

    @transition(field=status, source=CartStatus.ACTIVE, target=CartStatus.CHECKED_OUT)
    def check_out(self):
        pass


class CartItem(models.Model):
    """One line: an offering pinned at a version, its characteristics, quantity and the prices seen when added."""

    cart = models.ForeignKey(ShoppingCart, on_delete=models.CASCADE, related_name="items")
    item_id = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=20, choices=ItemAction.choices, default=ItemAction.ADD)
    quantity = models.PositiveIntegerField(default=1)
    offering_id = models.CharField(max_length=64, blank=True)
    offering_version = models.CharField(max_length=50, blank=True)
    offering_name = models.CharField(max_length=200, blank=True)
    characteristics = models.JSONField(default=dict, blank=True)  # {name: value}
    # The installation address (product.place): a GeographicAddress id; checkout re-checks ports there.
    place_id = models.CharField(max_length=64, blank=True)
    # The TMF679 qualification item this line passed (an extension: TMF663 v4 carts carry no such ref); checkout
    # re-checks it and hands it to the product order.
    qualification_id = models.CharField(max_length=64, blank=True)
    qualification_item_id = models.CharField(max_length=100, blank=True)
    service_qualification_id = models.CharField(max_length=64, blank=True)  # a TMF645 check the place passed
    # [{"name", "price_type", "recurring_period", "amount" (str), "currency", "tax_rate" (str)}]
    prices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["cart", "item_id"], name="cart_item_unique_id")]
