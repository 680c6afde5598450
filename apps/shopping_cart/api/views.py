from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from bss.api.viewsets import tmf_viewset

from .. import selectors, services
from ..filtersets import ShoppingCartFilterSet
from .serializers import (CheckoutInputSerializer, ShoppingCartCreateSerializer, ShoppingCartSerializer,
                          ShoppingCartUpdateSerializer)


def _create(*, data, caller):
    return services.shopping_cart_create(owner=caller, attributes=data["attributes"], items=data["items"] or [])


def _update(*, instance, data, caller):
    return services.shopping_cart_update(cart=instance, attributes=data["attributes"], items=data["items"])


def _delete(*, instance, caller):
    services.shopping_cart_delete(cart=instance)


@extend_schema(methods=["GET"], exclude=True)
@extend_schema(
    methods=["POST"], summary="Check out a shopping cart",
    description="Re-validates every item (offering version still sellable, characteristics still allowed, TMF679 "
                "eligibility rules over the whole cart: requires, excludes, segment, quantity; the item's "
                "productOfferingQualificationItem and serviceQualification still done, positive and unexpired; a "
                "free port at its place) and "
                "submits a TMF622 product order with the cart's items (and the body's `billingAccount`, else the order waits `pending` for one); the cart becomes `checkedOut` and its "
                "`productOrder` names the order. Items that no longer qualify: 422 naming them, and no order is "
                "created. A cart already checked out: 409. An expired or empty cart: 422.",
    request=CheckoutInputSerializer, responses={200: ShoppingCartSerializer})
@action(detail=True, methods=["get", "post"], url_path="checkout")
def checkout(self, request, pk=None):
    cart = self.get_object()  # an unknown (or another channel's) cart is 404 whatever the method
    if request.method != "POST":
        raise MethodNotAllowed(request.method)
    data = self.validated_input(CheckoutInputSerializer, request.data or {})
    cart = services.shopping_cart_checkout(cart=cart, external_id=data.get("externalId", ""),
                                           billing_account_id=(data.get("billingAccount") or {}).get("id", ""))
    return Response(self.render(self.refetch(cart)))


ShoppingCartViewSet = tmf_viewset(
    "ShoppingCartViewSet", api="tmf663", queryset=selectors.shopping_cart_list(), owner_field="owner",
    serializer_class=ShoppingCartSerializer, create_serializer_class=ShoppingCartCreateSerializer,
    update_serializer_class=ShoppingCartUpdateSerializer, filterset_class=ShoppingCartFilterSet,
    create_service=_create, update_service=_update, delete_service=_delete,
    checkout=checkout, extra_actions_supported=("checkout",))
